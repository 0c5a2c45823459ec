import type { InputProblem } from '../../../shared/errors.ts';
import { datasetPath } from '../../catalog-snapshot.ts';
import { sensitivityOrder } from '../../sensitivity.ts';
import type { ColumnDraft, DatasetDraft, Sourced } from './dataset-drafts.ts';
import { unique } from './dataset-drafts.ts';

/** Node types dbt builds a relation from; dbt itself refuses two of them on one relation. */
const builtResourceTypes = new Set(['model', 'seed', 'snapshot']);

/**
 * One dataset per relation. A source only declares a table that exists, so it may name the
 * relation a seed, model or snapshot builds (dbt's own templates load seeds `raw_customers` and
 * declare them again as source `ecom.raw_customers`), or that another source declares: those are
 * one table, and what they say is merged. Two nodes that both build one relation, or nodes that
 * disagree on its owner, domain or sensitivity (or a column's), are a problem naming both.
 */
export function mergeRelations(drafts: DatasetDraft[], problems: InputProblem[]): DatasetDraft[] {
  const byPath = new Map<string, DatasetDraft[]>();
  for (const draft of drafts) {
    const path = datasetPath(draft);
    byPath.set(path, [...(byPath.get(path) ?? []), draft]);
  }
  return [...byPath].flatMap(([path, named]) => {
    if (named.length === 1) return named;
    const built = named.filter((draft) => builtResourceTypes.has(draft.resourceType));
    if (built.length > 1) {
      const [first, ...others] = built;
      for (const other of others) {
        problems.push({
          location: locationOf(other),
          message: `duplicate path ${path}: ${first!.externalId} builds it too (one relation, one dbt node)`,
        });
      }
      return [];
    }
    // The node that builds the relation gives the dataset its id and kind; otherwise the first source.
    const ordered = [
      ...built,
      ...named
        .filter((draft) => !builtResourceTypes.has(draft.resourceType))
        .sort((a, b) => a.externalId.localeCompare(b.externalId)),
    ];
    return [mergeDrafts(path, ordered, problems)];
  });
}

function mergeDrafts(path: string, drafts: DatasetDraft[], problems: InputProblem[]): DatasetDraft {
  const [primary, ...others] = drafts as [DatasetDraft, ...DatasetDraft[]];
  const agreed = <T>(field: string, pick: (draft: DatasetDraft) => Sourced<T> | null) =>
    agree(
      path,
      field,
      drafts.map((draft) => ({ id: draft.externalId, value: pick(draft) })),
      problems,
    );
  return {
    ...primary,
    namedBy: drafts.map((draft) => draft.externalId),
    description: drafts.find((draft) => draft.description !== null)?.description ?? null,
    tags: unique(drafts.flatMap((draft) => draft.tags)),
    owner: agreed('owner', (draft) => draft.owner),
    domain: agreed('domain', (draft) => draft.domain),
    sensitivity: agreed('sensitivity', (draft) => draft.sensitivity),
    stewardEmails: unique(drafts.flatMap((draft) => draft.stewardEmails)),
    // On a key both set, the node that builds the relation wins.
    meta: Object.assign({}, ...[...drafts].reverse().map((draft) => draft.meta)),
    dbt: { ...primary.dbt, mergedWith: others.map((draft) => draft.dbt) },
    columns: mergeColumns(path, drafts, problems),
  };
}

/** Columns by name whatever the case; the first spelling and position are kept. */
function mergeColumns(path: string, drafts: DatasetDraft[], problems: InputProblem[]): ColumnDraft[] {
  const byName = new Map<string, { draft: DatasetDraft; column: ColumnDraft }[]>();
  for (const draft of drafts) {
    for (const column of draft.columns) {
      const key = column.name.toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), { draft, column }]);
    }
  }
  return [...byName.values()].map((described) => {
    const columns = described.map((item) => item.column);
    const first = columns[0]!;
    const sensitivity = agree(
      path,
      `column ${first.name} sensitivity`,
      described.map(({ draft, column }) => ({ id: draft.externalId, value: column.sensitivity })),
      problems,
    );
    return {
      name: first.name,
      dataType: columns.find((column) => column.dataType !== null)?.dataType ?? null,
      description: columns.find((column) => column.description !== null)?.description ?? null,
      tags: unique(columns.flatMap((column) => column.tags)),
      sensitivity,
      isPrimaryKey: columns.some((column) => column.isPrimaryKey),
      meta: Object.assign({}, ...[...columns].reverse().map((column) => column.meta)),
    };
  });
}

/** The value every node that says something agrees on; a problem naming two that differ. */
function agree<T>(
  path: string,
  field: string,
  said: { id: string; value: Sourced<T> | null }[],
  problems: InputProblem[],
): Sourced<T> | null {
  const values = said.flatMap(({ id, value }) => (value ? [{ id, ...value }] : []));
  const first = values[0];
  const other = values.find((item) => item.value !== first?.value);
  if (first && other) {
    const show = (item: typeof first) => `${item.id} (${item.from}: ${JSON.stringify(shown(item.value))})`;
    problems.push({
      location: path,
      message: `${show(first)} and ${show(other)} name this one table but disagree on its ${field}`,
    });
  }
  return first ? { value: first.value, from: first.from } : null;
}

/** Sensitivities are written in lower case in dbt YAML. */
function shown(value: unknown): unknown {
  return typeof value === 'string' && (sensitivityOrder as readonly string[]).includes(value)
    ? value.toLowerCase()
    : value;
}

function locationOf(draft: DatasetDraft): string {
  const map = draft.resourceType === 'source' ? 'sources' : 'nodes';
  return `${map}[${JSON.stringify(draft.externalId)}]`;
}
