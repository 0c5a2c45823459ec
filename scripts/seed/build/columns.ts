import { impliedByTag } from '../tags.ts';
import { type ColumnSpec, type Sensitivity, sensitivities } from '../types.ts';
import type { ColumnInfo } from './manifest-types.ts';
import { uniqueDeduped } from './project.ts';

export function sensitivityRank(level: Sensitivity): number {
  return sensitivities.indexOf(level);
}

export function maxSensitivity(levels: Iterable<Sensitivity>): Sensitivity {
  let rank = 0;
  for (const level of levels) rank = Math.max(rank, sensitivityRank(level));
  return sensitivities[rank] ?? 'public';
}

/** `pii:email` implies `pii`. */
export function expandColumnTags(tags: readonly string[]): string[] {
  const pii = tags.some((tag) => tag === 'pii' || tag.startsWith('pii:'));
  return uniqueDeduped([...(pii ? ['pii'] : []), ...tags]);
}

/** Sensitivity the column needs on its own, from its tags and explicit setting. */
export function columnSensitivity(spec: ColumnSpec): Sensitivity {
  const opts = spec[3];
  const tags = expandColumnTags(opts?.tags ?? []);
  const implied = tags.flatMap((tag) => {
    const level = impliedByTag[tag];
    return level === undefined ? [] : [level];
  });
  return maxSensitivity([...implied, ...(opts?.sensitivity === undefined ? [] : [opts.sensitivity])]);
}

export function isPiiColumn(spec: ColumnSpec): boolean {
  return expandColumnTags(spec[3]?.tags ?? []).includes('pii');
}

/**
 * dbt column entries. `meta.sensitivity` is only set when the column is more sensitive than its dataset;
 * primary keys get a `primary_key` constraint when `withConstraints` (models only).
 */
export function buildColumns(
  specs: readonly ColumnSpec[],
  datasetSensitivity: Sensitivity,
  withConstraints: boolean,
): Record<string, ColumnInfo> {
  const columns: Record<string, ColumnInfo> = {};
  for (const spec of specs) {
    const [name, dataType, description, opts] = spec;
    if (columns[name] !== undefined) throw new Error(`duplicate column ${name}`);
    const level = columnSensitivity(spec);
    columns[name] = {
      name,
      description,
      meta: sensitivityRank(level) > sensitivityRank(datasetSensitivity) ? { sensitivity: level } : {},
      data_type: dataType,
      constraints:
        withConstraints && opts?.pk === true
          ? [
              {
                type: 'primary_key',
                name: null,
                expression: null,
                warn_unenforced: true,
                warn_unsupported: true,
              },
            ]
          : [],
      quote: null,
      tags: expandColumnTags(opts?.tags ?? []),
    };
  }
  return columns;
}
