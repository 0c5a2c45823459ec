/** What relating a glossary term to the catalog needs to know of the term. */
export interface RelatableTerm {
  id: string;
  /** The term's key where the import has one (dbt: `glossary__<key>`), else null. */
  key: string | null;
  name: string;
  definition: string;
}

/** Metrics and columns, by the names a definition would use for them. */
export interface RelatableObjects {
  metrics: { id: string; name: string; label: string | null }[];
  columns: { id: string; name: string }[];
}

/** The metrics and columns each term relates to, by term id. */
export type GlossaryRelations = Map<string, { metricIds: string[]; columnIds: string[] }>;

/**
 * Relates each glossary term to the metrics and columns it is about. The catalog stores no such
 * links, so they are read from the term: its key (`glossary__arr` is about the `arr` metric), its
 * abbreviation (`Marketing Qualified Lead (MQL)`), the identifiers its definition quotes in
 * backticks (`` the `arr` metric ``), and metrics whose label is the term's name. Pure.
 */
export function relateGlossary(terms: RelatableTerm[], objects: RelatableObjects): GlossaryRelations {
  const metricsByName = groupBy(objects.metrics, (metric) => metric.name.toLowerCase());
  const metricsByLabel = groupBy(
    objects.metrics.filter((metric) => metric.label),
    (metric) => withoutAbbreviation(metric.label!),
  );
  const columnsByName = groupBy(objects.columns, (column) => column.name.toLowerCase());
  const relations: GlossaryRelations = new Map();
  for (const term of terms) {
    const names = new Set<string>();
    if (term.key) names.add(term.key.toLowerCase());
    const abbreviation = /\(([A-Za-z][\w-]*)\)\s*$/.exec(term.name);
    if (abbreviation) names.add(abbreviation[1]!.toLowerCase());
    for (const quoted of term.definition.matchAll(/`([A-Za-z_][\w.]*)`/g))
      names.add(quoted[1]!.toLowerCase());
    const metricIds = new Set<string>(
      metricsByLabel.get(withoutAbbreviation(term.name))?.map((metric) => metric.id) ?? [],
    );
    const columnIds = new Set<string>();
    for (const name of names) {
      for (const metric of metricsByName.get(name) ?? []) metricIds.add(metric.id);
      for (const column of columnsByName.get(name) ?? []) columnIds.add(column.id);
    }
    relations.set(term.id, { metricIds: [...metricIds], columnIds: [...columnIds] });
  }
  return relations;
}

/** `Customer Acquisition Cost (CAC)` -> `customer acquisition cost`. */
function withoutAbbreviation(name: string): string {
  return name.replace(/\s*\([^)]*\)\s*$/, '').toLowerCase();
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The key of a term imported from a dbt docs block `glossary__<key>`, if it was. */
export function glossaryKey(externalId: string): string | null {
  const match = /glossary__(\w+)$/.exec(externalId);
  return match ? match[1]! : null;
}
