import { beforeAll, describe, expect, it } from 'vitest';
import { useSliceWorld } from './support/slice-world.ts';

/**
 * Columns hidden inside a dataset the viewer reads: the dataset is readable, so its join paths and
 * dimensions are shown, but none may name a hidden column (a join key, a dimension's column). This
 * file hides from contractors the join key `account_id` of `analytics.product.feature_usage_daily`
 * and a column a dimension of a readable dataset is defined on.
 */
const world = useSliceWorld();
const ana = 'ana.ribeiro@acme.example';
const usage = 'analytics.product.feature_usage_daily';
const joinKey = `${usage}.account_id`;
let dimension: { dataset: string; name: string };
let token: string;

const datasetQuery = `query ($path: String!) {
  dataset(path: $path) { tier columns { name } dimensions { name expr } joinPaths { from { path } to { path } fromColumns toColumns } }
}`;

interface DatasetShape {
  tier: string;
  columns: { name: string }[];
  dimensions: { name: string; expr: string | null }[];
  joinPaths: { from: { path: string }; to: { path: string }; fromColumns: string[]; toColumns: string[] }[];
}

async function dataset(path: string): Promise<DatasetShape> {
  const response = await world.gql(token, datasetQuery, { path });
  expect(response.errors).toBeUndefined();
  return (response.data as { dataset: DatasetShape }).dataset;
}

beforeAll(async () => {
  token = await world.token(ana);
  const oracle = await world.oracle(ana);
  // A dimension of a dataset Ana reads, defined on a column of the same name.
  const dimensions = await world.db.prisma.dimension.findMany({
    include: { dataset: true },
    orderBy: { key: 'asc' },
  });
  const found = dimensions.find(
    (candidate) =>
      candidate.dataset.path !== usage &&
      oracle.tierOf(candidate.dataset.path) === 'READ' &&
      oracle.tierOf(`${candidate.dataset.path}.${candidate.name}`) === 'READ',
  )!;
  dimension = { dataset: found.dataset.path, name: found.name };
  expect((await dataset(usage)).joinPaths.some((join) => join.fromColumns.includes('account_id'))).toBe(true);
  expect((await dataset(dimension.dataset)).dimensions.map((shown) => shown.name)).toContain(dimension.name);

  const rachel = await world.token('rachel.stone@acme.example');
  const current = await world.gql(rachel, '{ policies { policies } }');
  const policies = (current.data as { policies: { policies: unknown[] } }).policies.policies;
  const applied = await world.gql(
    rachel,
    'mutation ($p: JSON!) { applyPolicies(policies: $p) { applied } }',
    {
      p: [
        ...policies,
        {
          id: 'contractors-without-some-keys',
          description: 'Contractors do not see these columns',
          effect: 'deny',
          tier: 'READ',
          subjects: {
            conditions: [{ attribute: 'attributes.employmentType', op: 'equals', value: 'contractor' }],
          },
          resources: { kinds: ['column'], paths: [joinKey, `${dimension.dataset}.${dimension.name}`] },
        },
      ],
    },
  );
  expect(applied.errors).toBeUndefined();
});

describe('columns hidden inside a readable dataset', () => {
  it('a join on a hidden key column is not shown from the dataset that holds it', async () => {
    const shown = await dataset(usage);
    expect(shown.tier).toBe('READ');
    expect(shown.columns.map((column) => column.name)).not.toContain('account_id');
    for (const join of shown.joinPaths) {
      if (join.from.path === usage) expect(join.fromColumns).not.toContain('account_id');
      if (join.to.path === usage) expect(join.toColumns).not.toContain('account_id');
    }
  });

  it('a join on a hidden key column is not shown from the other end either', async () => {
    const accounts = await dataset('analytics.sales.accounts');
    expect(accounts.tier).toBe('READ');
    expect(accounts.joinPaths.map((join) => join.from.path)).not.toContain(usage);
  });

  it('a dimension defined on a hidden column is not shown', async () => {
    const shown = await dataset(dimension.dataset);
    expect(shown.tier).toBe('READ');
    expect(shown.columns.map((column) => column.name)).not.toContain(dimension.name);
    expect(shown.dimensions.map((candidate) => candidate.name)).not.toContain(dimension.name);
  });

  it('explainAccess on the hidden key column answers like a nonexistent column of the same dataset', async () => {
    const query = 'query ($path: String!) { explainAccess(path: $path) { path tier deniedBy } }';
    const hidden = (await world.raw(token, query, { path: joinKey })).replace(joinKey, '<typed>');
    const absent = (await world.raw(token, query, { path: `${joinKey}x` })).replace(`${joinKey}x`, '<typed>');
    expect(hidden).toBe(absent);
    expect(hidden).toBe('200 {"data":{"explainAccess":null}}');
  });

  it('a search for the hidden key column does not find it in that dataset', async () => {
    const response = await world.gql(
      token,
      '{ search(query: "feature_usage_daily.account_id", first: 10) { totalCount edges { node { __typename } } } }',
    );
    expect(response.data).toEqual({ search: { totalCount: 0, edges: [] } });
  });

  it('someone who may see the key still gets the join and the dimension', async () => {
    const oliver = await world.token('oliver.grant@acme.example');
    const response = await world.gql(oliver, datasetQuery, { path: usage });
    const shown = (response.data as { dataset: DatasetShape }).dataset;
    expect(shown.joinPaths.some((join) => join.fromColumns.includes('account_id'))).toBe(true);
  });
});
