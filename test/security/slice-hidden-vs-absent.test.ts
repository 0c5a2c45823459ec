import { beforeAll, describe, expect, it } from 'vitest';
import { GovernanceClient } from '../support/governance-client.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import type { Oracle } from './support/slice-world.ts';
import { useSliceWorld } from './support/slice-world.ts';

/**
 * Ana Ribeiro is a marketing contractor of the demo company: policies hide confidential data from
 * her. For every query that takes a path, a name or a cursor she asks about something hidden from
 * her and about something that does not exist; the two answers must be the same bytes once the
 * one string that differs (what she typed) is replaced by the same placeholder.
 */
const ana = 'ana.ribeiro@acme.example';
const world = useSliceWorld();
let token: string;
let oracle: Oracle;

beforeAll(async () => {
  token = await world.token(ana);
  oracle = await world.oracle(ana);
});

/** The raw responses for a hidden and an absent value, each with that value replaced by `<typed>`. */
async function answersFor(
  query: string,
  variables: (typed: string) => Record<string, unknown>,
  hidden: string,
  absent: string,
  as = token,
) {
  // Search text is a name, not a path: its callers check what it names themselves.
  if (!('q' in variables(''))) expect(oracle.hidden.has(hidden), `${hidden} is hidden from Ana`).toBe(true);
  expect(oracle.catalog.byPath.has(absent) || oracle.catalog.byPath.has(`glossary:${absent}`)).toBe(false);
  const [forHidden, forAbsent] = await Promise.all([
    world.raw(as, query, variables(hidden)),
    world.raw(as, query, variables(absent)),
  ]);
  return {
    hidden: forHidden.split(JSON.stringify(hidden).slice(1, -1)).join('<typed>'),
    absent: forAbsent.split(JSON.stringify(absent).slice(1, -1)).join('<typed>'),
  };
}

async function expectSameAnswer(
  query: string,
  variables: (typed: string) => Record<string, unknown>,
  hidden: string,
  absent: string,
  as?: string,
) {
  const answers = await answersFor(query, variables, hidden, absent, as);
  expect(answers.hidden).toBe(answers.absent);
  return answers.hidden;
}

const hiddenDataset = 'analytics.marketing.marketing_leads';
const hiddenColumnOfReadableDataset = 'analytics.marketing.campaigns.owner_email';
const hiddenMetric = 'arr';

describe('a hidden object answers exactly like one that does not exist', () => {
  it('dataset(path) on a hidden dataset answers like a nonexistent path', async () => {
    const answer = await expectSameAnswer(
      'query ($path: String!) { dataset(path: $path) { path tier columns { name } } }',
      (path) => ({ path }),
      hiddenDataset,
      'analytics.marketing.marketing_leadz',
    );
    expect(answer).toBe('200 {"data":{"dataset":null}}');
  });

  it('explainAccess on a hidden dataset answers like a nonexistent path', async () => {
    await expectSameAnswer(
      'query ($path: String!) { explainAccess(path: $path) { path tier allowedBy deniedBy cappedBy } }',
      (path) => ({ path }),
      hiddenDataset,
      'analytics.marketing.marketing_leadz',
    );
  });

  it('explainAccess on a hidden column of a readable dataset answers like a nonexistent column there', async () => {
    expect(oracle.tierOf('analytics.marketing.campaigns')).toBe('READ');
    await expectSameAnswer(
      'query ($path: String!) { explainAccess(path: $path) { path tier cappedBy } }',
      (path) => ({ path }),
      hiddenColumnOfReadableDataset,
      'analytics.marketing.campaigns.owner_emailz',
    );
  });

  it('a readable dataset lists none of its hidden columns, and no column of a dataset she only discovers', async () => {
    const result = await world.gql(
      token,
      `{ readable: dataset(path: "analytics.marketing.campaigns") { tier columns { path } }
         discovered: dataset(path: "analytics.hr.headcount_monthly") { tier columns { path } dimensions { name } joinPaths { name } } }`,
    );
    const data = result.data as {
      readable: { tier: string; columns: { path: string }[] };
      discovered: { tier: string; columns: unknown[]; dimensions: unknown[]; joinPaths: unknown[] };
    };
    expect(data.readable.tier).toBe('READ');
    const expected = oracle.catalog.columns
      .filter((column) => column.object.datasetPath === 'analytics.marketing.campaigns')
      .filter((column) => oracle.visible.has(column.object.path))
      .map((column) => column.object.path)
      .sort();
    expect(data.readable.columns.map((column) => column.path).sort()).toEqual(expected);
    expect(expected).not.toContain(hiddenColumnOfReadableDataset);
    expect(data.discovered).toEqual({ tier: 'DISCOVER', columns: [], dimensions: [], joinPaths: [] });
  });

  it('metric(name) on a hidden metric answers like a nonexistent name', async () => {
    const answer = await expectSameAnswer(
      'query ($name: String!) { metric(name: $name) { name tier definition } }',
      (name) => ({ name }),
      hiddenMetric,
      'arx',
    );
    expect(answer).toBe('200 {"data":{"metric":null}}');
  });

  it('explainAccess on a hidden metric answers like a nonexistent name', async () => {
    await expectSameAnswer(
      'query ($path: String!) { explainAccess(path: $path) { path tier cappedBy } }',
      (path) => ({ path }),
      hiddenMetric,
      'arx',
    );
  });

  it('search for a name only hidden objects carry answers like a search for a name nothing carries', async () => {
    const visibleText = oracle.catalog.searchable
      .filter(({ item }) => oracle.visible.has(item.object.path.replace(/^glossary:/, '')))
      .map(({ item }) => item.text)
      .join('\n');
    const onlyHidden = oracle.catalog.searchable.find(
      ({ item, lowerName }) =>
        item.object.kind === 'dataset' &&
        oracle.hidden.has(item.object.path) &&
        lowerName.length > 8 &&
        !visibleText.includes(lowerName),
    );
    expect(onlyHidden).toBeDefined();
    const answer = await expectSameAnswer(
      'query ($q: String!) { search(query: $q, first: 20) { totalCount edges { cursor node { __typename } } pageInfo { hasNextPage } } }',
      (q) => ({ q }),
      onlyHidden!.lowerName,
      `${onlyHidden!.lowerName}qq`,
    );
    expect(answer).toContain('"totalCount":0');
  });

  it('search for a hidden column name inside a readable dataset finds nothing', async () => {
    const result = await world.gql(
      token,
      '{ search(query: "owner_email", first: 50) { totalCount edges { node { ... on Column { path } } } } }',
    );
    const search = (result.data as { search: { totalCount: number; edges: { node: { path?: string } }[] } })
      .search;
    expect(search.edges.map((edge) => edge.node.path)).not.toContain(hiddenColumnOfReadableDataset);
    expect(search.totalCount).toBe(search.edges.length);
  });

  it('datasets(filter: { search }) by a hidden name counts like a nonexistent name', async () => {
    await expectSameAnswer(
      'query ($q: String!) { datasets(first: 5, filter: { search: $q }) { totalCount edges { node { path } } } }',
      (q) => ({ q }),
      'analytics.finance.invoices',
      'analytics.finance.invoicez',
    );
  });

  it('metrics(filter: { search }) by a hidden metric name counts like a nonexistent name', async () => {
    await expectSameAnswer(
      'query ($q: String!) { metrics(first: 5, filter: { search: $q }) { totalCount edges { node { name } } } }',
      (q) => ({ q }),
      'accounts_receivable',
      'accounts_receivablz',
    );
  });

  it('paging after a hidden path answers like paging after a nonexistent path in the same place', async () => {
    // `marketing_leads0` sorts right after the hidden `marketing_leads`, before anything visible.
    await expectSameAnswer(
      'query ($after: String!) { datasets(first: 3, after: $after) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }',
      (after) => ({ after }),
      hiddenDataset,
      `${hiddenDataset}0`,
    );
  });

  it('paging before a hidden metric answers like paging before a nonexistent name in the same place', async () => {
    await expectSameAnswer(
      'query ($before: String!) { metrics(last: 3, before: $before) { totalCount edges { cursor } } }',
      (before) => ({ before }),
      hiddenMetric,
      'arr0',
    );
  });

  it('requestAccess for a hidden path answers like one for a nonexistent path, details included', async () => {
    const governance = new GovernanceClient(
      world.service.graphqlUrl,
      await world.token('rachel.stone@acme.example'),
    );
    await governance.createIntent({
      name: 'slice-attacks',
      description: 'Attacks',
      allowedTiers: ['DISCOVER', 'READ'],
    });
    const agent = await governance.registerAgent({
      name: 'Leak hunter',
      ownerEmail: ana,
      allowedIntents: ['slice-attacks'],
      ceiling: { maxTier: 'READ', maxSensitivity: 'RESTRICTED' },
    });
    const exchanged = await exchangeToken(world.service.url, agent, {
      subject_token: await world.subjectToken(ana),
      intent: 'slice-attacks',
    });
    const agentToken = exchanged.body.access_token!;
    expect(agentToken).toBeTruthy();
    const mutation = `mutation ($paths: [String!]!) {
      requestAccess(input: { paths: $paths, tier: READ, duration: "PT1H", justification: "campaign report" }) { request { id status } }
    }`;
    for (const [hidden, absent] of [
      [hiddenDataset, 'analytics.marketing.marketing_leadz'],
      [hiddenColumnOfReadableDataset, 'analytics.marketing.campaigns.owner_emailz'],
      [hiddenMetric, 'arx'],
    ] as const) {
      const answers = await answersFor(mutation, (path) => ({ paths: [path] }), hidden, absent, agentToken);
      expect(answers.hidden).toBe(answers.absent);
      expect(answers.hidden).toContain('NOT_FOUND');
    }
  });

  it('every object hidden from her answers every lookup exactly like its nonexistent twin', async () => {
    const lookups: Record<string, (path: string) => string> = {
      dataset: (path) => `dataset(path: ${JSON.stringify(path)}) { path tier }`,
      column: (path) => `explainAccess(path: ${JSON.stringify(path)}) { path tier }`,
      metric: (path) =>
        `metric(name: ${JSON.stringify(path)}) { name tier } x: explainAccess(path: ${JSON.stringify(path)}) { tier }`,
      glossary: (path) => `glossaryTerm(name: ${JSON.stringify(path)}) { name tier }`,
    };
    const hidden = [...oracle.hidden];
    expect(hidden.length).toBeGreaterThan(100);
    const ask = async (paths: string[], kindOf: (path: string) => string) => {
      const query = `{ ${paths
        .map((path, index) =>
          lookups[kindOf(path)]!(path)
            .replace(/^(\w+)\(/, `h${index}: $1(`)
            .replace(' x: ', ` x${index}: `),
        )
        .join(' ')} }`;
      return world.raw(token, query);
    };
    const kindOf = (path: string) =>
      oracle.catalog.byPath.get(path)?.kind ?? oracle.catalog.byPath.get(`glossary:${path}`)!.kind;
    for (let start = 0; start < hidden.length; start += 12) {
      const batch = hidden.slice(start, start + 12);
      const twins = batch.map((path) => `${path}_twin`);
      const forHidden = await ask(batch, kindOf);
      const forTwins = await ask(twins, (twin) => kindOf(twin.slice(0, -'_twin'.length)));
      expect(forHidden).toBe(forTwins);
      expect(forHidden).not.toMatch(/"(path|name|tier)"/);
    }
  });

  it('simulateAccess asked by a non-governance person answers exactly like another governance-only field', async () => {
    const simulate = await world.raw(
      token,
      '{ simulateAccess(humanEmail: "rachel.stone@acme.example") { path tier } }',
    );
    const policies = await world.raw(token, '{ policies { version } }');
    expect(simulate.replaceAll('simulateAccess', '<field>')).toBe(policies.replaceAll('policies', '<field>'));
    expect(simulate).toContain('FORBIDDEN');
    expect(simulate).not.toContain('rachel');
  });
});
