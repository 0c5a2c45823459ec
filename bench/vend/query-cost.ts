import pg from 'pg';
import { percentile } from '../load/percentile.ts';
import { customerCount, regions } from './bench-source.ts';

export interface VendedCustomers {
  login: { username: string; password: string; host: string; port: number; database: string };
  /** The view the vended role reads customers through (quoted, qualified). */
  relation: string;
  /** The region its human is in (the row filter's value). */
  region: string;
}

export interface QueryComparison {
  label: string;
  runs: number;
  viewP50: number;
  ownerP50: number;
  rows: number;
}

export interface QueryCostFigures {
  comparisons: QueryComparison[];
  /** EXPLAIN (ANALYZE, BUFFERS) of each vended query, as the vended login ran it. */
  plans: { label: string; plan: string }[];
}

interface Query {
  label: string;
  runs: number;
  view: string;
  owner: string;
  /** The values of run `run` (the same rows on both sides; the owner's also name the region). */
  viewValues(run: number): unknown[];
  ownerValues(run: number): unknown[];
  /** What both sides must agree on: the rows, or the aggregate's count. */
  answer(result: pg.QueryResult): number;
}

/**
 * The cost of the database enforcing the slice: the same three queries as the vended login through
 * its masking view (with the RLS row filter on the base table) and as the table owner on the base
 * table with the region written by hand. Each pair runs back to back, alternating which goes first,
 * on one warm connection each; p50 of each side.
 */
export async function measureQueryCost(options: {
  vended: VendedCustomers;
  ownerUrl: string;
  aggregateRuns: number;
  pointRuns: number;
  rangeRuns: number;
}): Promise<QueryCostFigures> {
  const { vended } = options;
  const region = vended.region;
  const regionIndex = regions.indexOf(region as (typeof regions)[number]);
  const perRegion = customerCount / regions.length;
  // Customer i is in regions[i % regions.length]; runs spread over the whole table.
  const idOfRegion = (run: number) => regions.length * (1 + ((run * 7919) % (perRegion - 1))) + regionIndex;
  const rows = (result: pg.QueryResult) => result.rowCount ?? 0;
  const queries: Query[] = [
    {
      label: 'aggregate over the filtered rows',
      runs: options.aggregateRuns,
      view: `SELECT count(*), sum(lifetime_value), min(signed_up), max(signed_up) FROM ${vended.relation}`,
      owner:
        'SELECT count(*), sum(lifetime_value), min(signed_up), max(signed_up) FROM sales.customers WHERE region = $1',
      viewValues: () => [],
      ownerValues: () => [region],
      answer: (result) => Number(result.rows[0]?.count ?? 0),
    },
    {
      label: 'point lookup by id',
      runs: options.pointRuns,
      view: `SELECT * FROM ${vended.relation} WHERE id = $1`,
      owner: 'SELECT * FROM sales.customers WHERE id = $1 AND region = $2',
      viewValues: (run) => [idOfRegion(run)],
      ownerValues: (run) => [idOfRegion(run), region],
      answer: rows,
    },
    {
      label: '1000-row range scan',
      runs: options.rangeRuns,
      view: `SELECT * FROM ${vended.relation} WHERE id >= $1 ORDER BY id LIMIT 1000`,
      owner: 'SELECT * FROM sales.customers WHERE id >= $1 AND region = $2 ORDER BY id LIMIT 1000',
      // Low enough that 1000 rows of the region follow.
      viewValues: (run) => [idOfRegion(run) % (customerCount - 2 * 1000 * regions.length)],
      ownerValues: (run) => [idOfRegion(run) % (customerCount - 2 * 1000 * regions.length), region],
      answer: rows,
    },
  ];
  const asVended = new pg.Client({
    host: vended.login.host,
    port: vended.login.port,
    database: vended.login.database,
    user: vended.login.username,
    password: vended.login.password,
  });
  const asOwner = new pg.Client({ connectionString: options.ownerUrl });
  await asVended.connect();
  await asOwner.connect();
  try {
    const comparisons: QueryComparison[] = [];
    const plans: { label: string; plan: string }[] = [];
    for (const query of queries) {
      const viewSql = (run: number) => ({ text: query.view, values: query.viewValues(run) });
      const ownerSql = (run: number) => ({ text: query.owner, values: query.ownerValues(run) });
      // Both sides must answer the same rows, else the comparison means nothing.
      const sample = query.answer(await asVended.query(viewSql(0)));
      const baseline = query.answer(await asOwner.query(ownerSql(0)));
      if (sample !== baseline || sample === 0)
        throw new Error(`${query.label}: ${sample} rows through the view, ${baseline} as the owner`);
      for (let run = 0; run < 5; run += 1) {
        await asVended.query(viewSql(run));
        await asOwner.query(ownerSql(run));
      }
      const view: number[] = [];
      const owner: number[] = [];
      for (let run = 0; run < query.runs; run += 1) {
        const sides: [number[], pg.Client, { text: string; values: unknown[] }][] = [
          [view, asVended, viewSql(run)],
          [owner, asOwner, ownerSql(run)],
        ];
        if (run % 2 === 1) sides.reverse();
        for (const [times, client, sql] of sides) {
          const started = performance.now();
          await client.query(sql);
          times.push(performance.now() - started);
        }
      }
      comparisons.push({
        label: query.label,
        runs: query.runs,
        viewP50: percentile(view, 50),
        ownerP50: percentile(owner, 50),
        rows: sample,
      });
      const explained = await asVended.query<{ 'QUERY PLAN': string }>({
        text: `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.view}`,
        values: query.viewValues(0),
      });
      plans.push({ label: query.label, plan: explained.rows.map((row) => row['QUERY PLAN']).join('\n') });
    }
    return { comparisons, plans };
  } finally {
    await asVended.end().catch(() => {});
    await asOwner.end().catch(() => {});
  }
}
