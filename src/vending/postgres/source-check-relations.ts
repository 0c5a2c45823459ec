import type { Sensitivity } from '../../catalog/sensitivity.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { PolicyObject } from '../../policy/access-context.ts';
import { compilePolicySet, selectorMatches } from '../../policy/compile-policies.ts';
import type { Policy } from '../../policy/policy-schema.ts';
import { currentPolicySet } from '../../policy/store/policy-store.ts';
import type { CheckedRelation } from './source-check-findings.ts';

/** A dataset of the catalog as the check needs it. */
export interface CatalogDataset {
  id: string;
  path: string;
  /** The database schema and relation: the catalog's schema and dataset names. */
  schema: string;
  name: string;
  tags: string[];
  domain: string | null;
  sensitivity: Sensitivity;
}

/** The relations of a source's datasets, and which ones the current policy set may row-filter. */
export async function catalogRelations(prisma: PrismaClient, source: string): Promise<CheckedRelation[]> {
  const [rows, policySet] = await Promise.all([
    prisma.dataset.findMany({
      where: { schema: { source: { name: source } } },
      select: {
        id: true,
        path: true,
        name: true,
        tags: true,
        sensitivity: true,
        domain: { select: { name: true } },
        schema: { select: { name: true } },
      },
      orderBy: { path: 'asc' },
    }),
    currentPolicySet(prisma),
  ]);
  const datasets = rows.map((row) => ({
    ...row,
    schema: row.schema.name,
    domain: row.domain?.name ?? null,
  }));
  return relationsOfDatasets(datasets, policySet.policies);
}

/**
 * A relation is row-filtered when any allow policy with row filters could cover its dataset,
 * whoever the human, intent or door: the check must hold for every slice a vend may make.
 */
export function relationsOfDatasets(
  datasets: readonly CatalogDataset[],
  policies: readonly Policy[],
): CheckedRelation[] {
  const filtering = compilePolicySet(
    policies.filter((policy) => policy.rowFilters.length > 0),
    0,
  ).policies;
  const relations = new Map<string, CheckedRelation>();
  for (const dataset of datasets) {
    const object: PolicyObject = {
      id: dataset.id,
      kind: 'dataset',
      path: dataset.path,
      datasetPath: null,
      tags: dataset.tags,
      domain: dataset.domain,
      sensitivity: dataset.sensitivity,
      dependsOn: [],
    };
    const rowFiltered = filtering.some(
      (policy) => selectorMatches(policy.resources, object) && policy.rowFiltersFor(dataset.path).length > 0,
    );
    // Two datasets may name one relation (imports merge them, but stay safe): filtered if either is.
    const key = `${dataset.schema}.${dataset.name}`;
    const known = relations.get(key);
    if (known) known.rowFiltered ||= rowFiltered;
    else relations.set(key, { schema: dataset.schema, name: dataset.name, rowFiltered });
  }
  return [...relations.values()];
}
