import { describe, expect, it } from 'vitest';
import { findLeaks } from './support/slice-leak-detector.ts';
import { type AgentSpec, useSliceWorld } from './support/slice-world.ts';

/**
 * The generic leak detector over many queries: every catalog path or name anywhere in a response
 * (data, errors, extensions; SQL, reasons and messages included) must be one the viewer may at
 * least discover, and every list and count must agree with what the engine says the viewer sees.
 * Three demo people: a marketing contractor (Ana), a data-platform contractor outside the analysts
 * (Pavel) and a finance analyst (Oliver); and Ana through an agent with a narrow ceiling.
 */
const world = useSliceWorld();
const ana = 'ana.ribeiro@acme.example';

/** An agent of Ana's that may see internal analytics data without PII, for campaign work. */
const campaignAgent: AgentSpec = {
  name: 'Campaign assistant',
  ceiling: { maxTier: 'READ', maxSensitivity: 'INTERNAL', excludedTags: ['pii'], paths: ['analytics.**'] },
  intent: { name: 'campaign-analysis', allowedTiers: ['DISCOVER', 'READ'] },
};

/** Who asks: a person alone, or a person through an agent. */
interface Asker {
  who: string;
  email: string;
  agent?: AgentSpec;
}

const askers: Asker[] = [
  { who: 'Ana', email: ana },
  { who: 'Pavel', email: 'pavel.novak@acme.example' },
  { who: 'Oliver', email: 'oliver.grant@acme.example' },
  { who: "Ana's campaign agent", email: ana, agent: campaignAgent },
];

const oracleOf = (asker: Asker) => world.oracle(asker.email, asker.agent);

async function sweep(asker: Asker, query: string, variables: Record<string, unknown> = {}) {
  const token = asker.agent
    ? await world.agentToken(asker.email, asker.agent)
    : await world.token(asker.email);
  const response = await world.gql(token, query, variables);
  expect(response.errors).toBeUndefined();
  expect(findLeaks(response, await oracleOf(asker))).toEqual([]);
  return response.data as Record<string, unknown>;
}

const datasetDump = `query ($after: String) {
  datasets(first: 40, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { path tier requestable rowFilter description ownerEmail stewardEmails domain { name }
      columns { path name description access { masked method expression } }
      dimensions { name semanticModel expr description }
      joinPaths { name kind from { path } to { path } fromColumns toColumns } } }
  }
}`;

const metricDump = `query ($after: String) {
  metrics(first: 60, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { name tier label description definition ownerEmail domain { name }
      dependsOn { datasets { path tier } columns { path } metrics { name tier } } } }
  }
}`;

interface Connection<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: T }[];
}

async function everyPage<T>(
  asker: Asker,
  query: string,
  field: string,
): Promise<{ nodes: T[]; totalCount: number }> {
  const nodes: T[] = [];
  let after: string | null = null;
  let totalCount = 0;
  for (;;) {
    const data = await sweep(asker, query, after ? { after } : {});
    const connection = data[field] as Connection<T>;
    nodes.push(...connection.edges.map((edge) => edge.node));
    totalCount = connection.totalCount;
    if (!connection.pageInfo.hasNextPage) return { nodes, totalCount };
    after = connection.pageInfo.endCursor;
  }
}

interface DatasetNode {
  path: string;
  tier: string;
  columns: { path: string; name: string }[];
  dimensions: { name: string; expr: string | null }[];
  joinPaths: { from: { path: string }; to: { path: string }; fromColumns: string[]; toColumns: string[] }[];
}

interface MetricNode {
  name: string;
  tier: string;
  definition: unknown;
  dependsOn: { datasets: { path: string }[]; columns: { path: string }[]; metrics: { name: string }[] };
}

/** The paths of a kind the engine lets this person discover, sorted like the API sorts them. */
async function expectedPaths(asker: Asker, kind: 'dataset' | 'metric' | 'glossary') {
  const oracle = await oracleOf(asker);
  const list = {
    dataset: oracle.catalog.datasets,
    metric: oracle.catalog.metrics,
    glossary: oracle.catalog.glossary,
  }[kind];
  return list
    .map((item) => item.object.path.replace(/^glossary:/, ''))
    .filter((path) => oracle.visible.has(path));
}

describe('the leak detector', () => {
  it('finds hidden paths inside reasons, SQL, messages and keys, hidden metric names, and all-hidden schemas', async () => {
    const oracle = await oracleOf(askers[0]!);
    const leaks = findLeaks(
      {
        data: {
          cappedBy: ['dependency:analytics.marketing.marketing_leads'],
          sql: 'select * from analytics.finance.invoices where amount_outstanding_usd > 0',
          inputs: ['arr', 'campaign_spend'],
          'analytics.hr.compensation.annual_base_salary_usd': true,
          schema: 'raw.workday',
        },
        errors: [
          {
            message: 'no object analytics.no.such_path',
            extensions: { details: { path: 'analytics.sales.orders' } },
          },
        ],
      },
      oracle,
    );
    expect(leaks.map((leak) => leak.names).sort()).toEqual([
      'analytics.finance.invoices',
      'analytics.hr.compensation.annual_base_salary_usd',
      'analytics.marketing.marketing_leads',
      'arr',
      'raw.workday',
    ]);
  });
});

describe('explainAccess names only what the viewer may discover', () => {
  it('a contractor asking why a metric is capped does not learn the hidden dataset it reads', async () => {
    const data = await sweep(askers[0]!, '{ explainAccess(path: "leads") { tier cappedBy } }');
    expect(data.explainAccess).toEqual({ tier: 'DISCOVER', cappedBy: ['dependency:hidden'] });
  });

  it('a cap from a dependency names it only when the viewer may discover it, for every metric of every persona', async () => {
    const seen = { named: 0, hidden: 0 };
    for (const asker of askers) {
      const oracle = await oracleOf(asker);
      const metrics = oracle.catalog.metrics
        .map((item) => item.name)
        .filter((name) => oracle.visible.has(name));
      for (let start = 0; start < metrics.length; start += 25) {
        const batch = metrics.slice(start, start + 25);
        const data = await sweep(
          asker,
          `{ ${batch.map((name, index) => `m${index}: explainAccess(path: ${JSON.stringify(name)}) { cappedBy }`).join(' ')} }`,
        );
        batch.forEach((name, index) => {
          const caps = (data[`m${index}`] as { cappedBy: string[] }).cappedBy.filter((cap) =>
            cap.startsWith('dependency:'),
          );
          const first = oracle.catalog.byPath
            .get(name)!
            .dependsOn.find((path) => oracle.tierOf(path) !== 'READ');
          for (const cap of caps) {
            const expected = oracle.visible.has(first!) ? `dependency:${first}` : 'dependency:hidden';
            expect(cap, `${asker.who} ${name}`).toBe(expected);
            seen[cap === 'dependency:hidden' ? 'hidden' : 'named'] += 1;
          }
        });
      }
    }
    expect(seen.hidden).toBeGreaterThan(0);
    expect(seen.named).toBeGreaterThan(0);
  });

  for (const asker of askers) {
    it(`the explanation of every object ${asker.who} may discover names nothing hidden`, async () => {
      const oracle = await oracleOf(asker);
      const paths = [...oracle.visible];
      expect(paths.length).toBeGreaterThan(20);
      const batches: string[][] = [];
      for (let start = 0; start < paths.length; start += 25) batches.push(paths.slice(start, start + 25));
      for (const batch of batches) {
        const query = `{ ${batch
          .map(
            (path, index) =>
              `e${index}: explainAccess(path: ${JSON.stringify(path)}) { path tier allowedBy deniedBy cappedBy maskMethod maskPolicy rowFilter }`,
          )
          .join(' ')} }`;
        const data = await sweep(asker, query);
        for (const [index, path] of batch.entries()) expect(data[`e${index}`], path).not.toBeNull();
      }
    });
  }
});

describe('lists, counts and relations agree with the slice', () => {
  for (const asker of askers) {
    const { who } = asker;
    it(`${who}'s datasets, their columns, dimensions and join paths name nothing hidden and count right`, async () => {
      const oracle = await oracleOf(asker);
      const { nodes, totalCount } = await everyPage<DatasetNode>(asker, datasetDump, 'datasets');
      const expected = await expectedPaths(asker, 'dataset');
      expect(nodes.map((node) => node.path)).toEqual(expected);
      expect(totalCount).toBe(expected.length);
      for (const dataset of nodes) {
        const visibleColumns = oracle.catalog.columns
          .filter(
            (column) => column.object.datasetPath === dataset.path && oracle.visible.has(column.object.path),
          )
          .map((column) => column.object.path);
        expect(dataset.columns.map((column) => column.path).sort()).toEqual(visibleColumns.sort());
        for (const join of dataset.joinPaths) {
          expect(oracle.tierOf(join.from.path)).toBe('READ');
          expect(oracle.tierOf(join.to.path)).toBe('READ');
          // Join columns are columns of their ends: each must be one the viewer sees there.
          for (const [end, columns] of [
            [join.from.path, join.fromColumns],
            [join.to.path, join.toColumns],
          ] as const) {
            for (const column of columns)
              expect(oracle.visible.has(`${end}.${column}`), `${end}.${column}`).toBe(true);
          }
        }
        const hiddenNames = oracle.catalog.columns
          .filter(
            (column) => column.object.datasetPath === dataset.path && oracle.hidden.has(column.object.path),
          )
          .map((column) => column.name);
        for (const dimension of dataset.dimensions) {
          const words = new Set(`${dimension.name} ${dimension.expr ?? ''}`.match(/\w+/g) ?? []);
          for (const hidden of hiddenNames)
            expect(words.has(hidden), `${dataset.path} ${dimension.name}`).toBe(false);
        }
      }
    });

    it(`${who}'s metrics show definitions and dependencies only at READ, and only discoverable ones`, async () => {
      const oracle = await oracleOf(asker);
      const { nodes, totalCount } = await everyPage<MetricNode>(asker, metricDump, 'metrics');
      const expected = await expectedPaths(asker, 'metric');
      expect(nodes.map((node) => node.name)).toEqual(expected);
      expect(totalCount).toBe(expected.length);
      for (const metric of nodes) {
        const dependencies = [
          ...metric.dependsOn.datasets.map((dataset) => dataset.path),
          ...metric.dependsOn.columns.map((column) => column.path),
          ...metric.dependsOn.metrics.map((input) => input.name),
        ].sort();
        if (metric.tier === 'READ') {
          expect(dependencies).toEqual([...oracle.catalog.byPath.get(metric.name)!.dependsOn].sort());
          for (const dependency of dependencies) expect(oracle.tierOf(dependency)).toBe('READ');
        } else {
          expect(metric.definition).toBeNull();
          expect(dependencies).toEqual([]);
        }
      }
    });

    it(`${who}'s domains, sources and schemas are exactly those holding something discoverable`, async () => {
      const oracle = await oracleOf(asker);
      const data = await sweep(asker, '{ domains { name } sources { name schemas { path } } }');
      const visibleObjects = [...oracle.visible].map(
        (path) => oracle.catalog.byPath.get(path) ?? oracle.catalog.byPath.get(`glossary:${path}`)!,
      );
      const domains = new Set(
        visibleObjects.filter((object) => object.kind !== 'column').flatMap((object) => object.domain ?? []),
      );
      expect((data.domains as { name: string }[]).map((domain) => domain.name).sort()).toEqual(
        [...domains].sort(),
      );
      const datasets = visibleObjects
        .filter((object) => object.kind === 'dataset')
        .map((object) => object.path);
      const schemas = new Set(datasets.map((path) => path.split('.').slice(0, 2).join('.')));
      const sources = data.sources as { name: string; schemas: { path: string }[] }[];
      expect(sources.map((source) => source.name).sort()).toEqual(
        [...new Set(datasets.map((path) => path.split('.')[0]!))].sort(),
      );
      expect(sources.flatMap((source) => source.schemas.map((schema) => schema.path)).sort()).toEqual(
        [...schemas].sort(),
      );
    });

    it(`${who}'s searches find only discoverable objects and count only them`, async () => {
      const oracle = await oracleOf(asker);
      for (const query of [
        'a',
        'revenue',
        'lead',
        'salary',
        'national',
        'email',
        'ssn',
        'compensation',
        'contact',
      ]) {
        const data = await sweep(
          asker,
          `query ($q: String!) { search(query: $q, first: 200) { totalCount edges { node {
            __typename ... on Dataset { path } ... on Column { path } ... on Metric { name definition } ... on GlossaryTerm { name }
          } } } }`,
          { q: query },
        );
        const search = data.search as {
          totalCount: number;
          edges: { node: { path?: string; name?: string } }[];
        };
        for (const { node } of search.edges)
          expect(oracle.visible.has(node.path ?? node.name!), query).toBe(true);
        if (search.edges.length < 200) expect(search.totalCount, query).toBe(search.edges.length);
      }
    });
  }
});
