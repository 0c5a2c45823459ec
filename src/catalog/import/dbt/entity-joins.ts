import { JoinPathKind } from '../../../../generated/prisma/enums.ts';
import type { ImportWarning, JoinPathSnapshot } from '../../catalog-snapshot.ts';
import type { SemanticModel } from './manifest-schema.ts';

export interface PlacedSemanticModel {
  model: SemanticModel;
  /** The path of the dataset the semantic model is built on. */
  path: string;
}

/** A dataset's column names by lower-case name. */
export type ColumnLookup = (datasetPath: string) => ReadonlyMap<string, string>;

interface EntityEnd {
  entity: string;
  path: string;
  expr: string;
}

/**
 * A foreign entity joins to each other semantic model where the same entity is primary, unique or
 * natural. A join is placed only when both ends are columns aperture knows (documented in YAML,
 * or reported by catalog.json); each one that is not is a warning saying why, never silence.
 */
export function entityJoinPaths(
  models: PlacedSemanticModel[],
  columnsOf: ColumnLookup,
  catalogRead: boolean,
): { joinPaths: JoinPathSnapshot[]; warnings: ImportWarning[] } {
  const keyed = new Map<string, EntityEnd[]>();
  const foreign: EntityEnd[] = [];
  for (const { model, path } of models) {
    for (const entity of model.entities) {
      const end = { entity: entity.name, path, expr: entity.expr ?? entity.name };
      if (entity.type === 'foreign') foreign.push(end);
      else keyed.set(entity.name, [...(keyed.get(entity.name) ?? []), end]);
    }
  }
  const joinPaths: JoinPathSnapshot[] = [];
  const warnings: ImportWarning[] = [];
  for (const from of foreign) {
    for (const to of keyed.get(from.entity) ?? []) {
      if (to.path === from.path) continue;
      const fromColumn = columnsOf(from.path).get(from.expr.toLowerCase());
      const toColumn = columnsOf(to.path).get(to.expr.toLowerCase());
      if (fromColumn && toColumn) {
        joinPaths.push({
          kind: JoinPathKind.SEMANTIC_ENTITY,
          name: from.entity,
          fromDatasetPath: from.path,
          toDatasetPath: to.path,
          fromColumns: [fromColumn],
          toColumns: [toColumn],
        });
        continue;
      }
      const reasons = [
        ...(fromColumn ? [] : [unknownColumn(from, catalogRead)]),
        ...(toColumn ? [] : [unknownColumn(to, catalogRead)]),
      ];
      warnings.push({
        kind: 'join-path-not-placed',
        subject: `${from.path}.${from.expr} -> ${to.path}.${to.expr} (entity ${from.entity})`,
        message: reasons.join('; '),
      });
    }
  }
  return { joinPaths, warnings };
}

function unknownColumn(end: EntityEnd, catalogRead: boolean): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(end.expr))
    return `${end.path}: entity expression "${end.expr}" is not a single column`;
  const why = catalogRead
    ? 'neither catalog.json nor the YAML has it'
    : 'it is not documented in YAML and no catalog.json was read';
  return `${end.path} has no column ${end.expr} (${why})`;
}
