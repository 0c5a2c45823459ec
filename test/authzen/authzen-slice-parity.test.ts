import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CapabilityCeiling } from '../../src/identity/agents/capability-ceiling.ts';
import { loadCatalog } from '../../src/policy/slice/loaded-catalog.ts';
import { demoPeoplePath } from '../../src/seeds/demo-seed.ts';
import { type AgentSpec, useSliceWorld } from '../security/support/slice-world.ts';
import { AuthzenPep, type Decision, type Entity } from '../support/authzen-pep.ts';

/**
 * A gateway written only against the AuthZEN texts (test/support/authzen-pep.ts) gets the same
 * answers as the slice: for random viewers of the demo company (a person alone, or through an agent
 * registered with a random ceiling under a random intent), resource search lists exactly what
 * GraphQL shows the same token, every result evaluates to `decision: true` again, every catalog
 * object's discover and read decisions agree with the tier GraphQL explains, and a hidden object
 * answers byte for byte like a path that does not exist.
 */
const world = useSliceWorld();

const types = ['dataset', 'column', 'metric', 'glossary_term'] as const;
type ResourceType = (typeof types)[number];
const kindOf = { dataset: 'dataset', column: 'column', metric: 'metric', glossary_term: 'glossary' } as const;

/** Every catalog path by AuthZEN resource type (metrics and glossary terms by name). */
const catalogPaths = {} as Record<ResourceType, string[]>;
let pep: AuthzenPep;
let people: string[];

beforeAll(async () => {
  const governance = await world.token('rachel.stone@acme.example');
  const registered = (await world.gql(
    governance,
    'mutation { registerPepClient(input: { name: "parity gateway" }) { clientSecret pepClient { clientId } } }',
  )) as { data?: { registerPepClient: { clientSecret: string; pepClient: { clientId: string } } } };
  const client = registered.data!.registerPepClient;
  pep = await AuthzenPep.discover(world.service.url, client.pepClient.clientId, client.clientSecret);
  const { index } = await loadCatalog(world.db.prisma);
  for (const type of types) {
    catalogPaths[type] = [...index.byPath.values()]
      .filter((object) => object.kind === kindOf[type])
      .map((object) => object.path.replace(/^glossary:/, ''));
  }
  people = (JSON.parse(await readFile(demoPeoplePath, 'utf8')) as { email: string }[]).map(
    (person) => person.email,
  );
});

// ---- the viewers ------------------------------------------------------------------------------

const tags = ['pii', 'pii:email', 'finance', 'hr', 'sales', 'marketing', 'gdpr', 'compensation', 'support'];
const globs = [
  'analytics.**',
  'raw.**',
  'analytics.sales.*',
  'analytics.finance.**',
  'analytics.*.*',
  'raw.stripe.**',
];

const ceilingArbitrary: fc.Arbitrary<Partial<CapabilityCeiling>> = fc.record(
  {
    maxTier: fc.constantFrom('DISCOVER' as const, 'READ' as const),
    maxSensitivity: fc.constantFrom(
      'PUBLIC' as const,
      'INTERNAL' as const,
      'CONFIDENTIAL' as const,
      'RESTRICTED' as const,
    ),
    excludedTags: fc.subarray(tags, { maxLength: 2 }),
    requiredTags: fc.oneof(
      { arbitrary: fc.constant<string[]>([]), weight: 3 },
      { arbitrary: fc.subarray(tags, { minLength: 1, maxLength: 2 }), weight: 1 },
    ),
    paths: fc.oneof(
      { arbitrary: fc.constant<string[]>([]), weight: 2 },
      { arbitrary: fc.subarray(globs, { minLength: 1, maxLength: 2 }), weight: 1 },
    ),
  },
  { requiredKeys: ['maxTier', 'maxSensitivity'] },
);

const intentArbitrary = fc.record({
  allowedTiers: fc.constantFrom<('DISCOVER' | 'READ')[]>(
    ['DISCOVER', 'READ'],
    ['DISCOVER', 'READ'],
    ['DISCOVER'],
  ),
  allowedTags: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: fc.subarray(tags, { minLength: 1, maxLength: 3 }), weight: 1 },
  ),
});

interface ViewerShape {
  person: number;
  agent: {
    ceiling: Partial<CapabilityCeiling>;
    intent: { allowedTiers: ('DISCOVER' | 'READ')[]; allowedTags?: string[] | undefined };
  } | null;
}

const viewerArbitrary: fc.Arbitrary<ViewerShape> = fc.record({
  person: fc.nat(),
  agent: fc.option(fc.record({ ceiling: ceilingArbitrary, intent: intentArbitrary }), { freq: 3, nil: null }),
});

let agents = 0;

/** What the runs covered, so a property that held only vacuously fails. */
const seen = { agents: 0, people: 0, hidden: 0, readResults: 0, discoverOnly: 0, requestable: 0 };

async function tokenFor(email: string, shape: ViewerShape): Promise<string> {
  if (!shape.agent) return world.token(email);
  agents += 1;
  const spec: AgentSpec = {
    name: `parity agent ${agents}`,
    ceiling: shape.agent.ceiling,
    intent: {
      name: `parity-${agents}`,
      allowedTiers: shape.agent.intent.allowedTiers,
      ...(shape.agent.intent.allowedTags ? { allowedTags: shape.agent.intent.allowedTags } : {}),
    },
  };
  return world.agentToken(email, spec);
}

// ---- what GraphQL shows the token ---------------------------------------------------------------

type Tiers = Map<string, 'DISCOVER' | 'READ'>;

interface Connection<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function allPages<T>(token: string, field: string, selection: string): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  do {
    const result = (await world.gql(
      token,
      `query ($after: String) { ${field}(first: 200, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    )) as { data?: Record<string, Connection<T>>; errors?: unknown };
    expect(result.errors, field).toBeUndefined();
    const page = result.data![field]!;
    nodes.push(...page.edges.map((edge) => edge.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return nodes;
}

/** What GraphQL shows: datasets, metrics and terms with their tier; columns as explainAccess tiers them. */
async function graphqlTiers(token: string): Promise<Record<ResourceType, Tiers>> {
  const datasets = await allPages<{ path: string; tier: 'DISCOVER' | 'READ'; columns: { path: string }[] }>(
    token,
    'datasets',
    'path tier columns { path }',
  );
  const metrics = await allPages<{ name: string; tier: 'DISCOVER' | 'READ' }>(token, 'metrics', 'name tier');
  const terms = await allPages<{ name: string; tier: 'DISCOVER' | 'READ' }>(
    token,
    'glossaryTerms',
    'name tier',
  );
  const columnPaths = datasets.flatMap((dataset) => dataset.columns.map((column) => column.path));
  const columns: Tiers = new Map();
  for (let start = 0; start < columnPaths.length; start += 30) {
    const chunk = columnPaths.slice(start, start + 30);
    const query = `query { ${chunk.map((path, i) => `c${i}: explainAccess(path: ${JSON.stringify(path)}) { path tier }`).join(' ')} }`;
    const result = (await world.gql(token, query)) as {
      data?: Record<string, { path: string; tier: 'DISCOVER' | 'READ' } | null>;
      errors?: unknown;
    };
    expect(result.errors).toBeUndefined();
    chunk.forEach((path, i) => {
      const explained = result.data![`c${i}`];
      expect(explained, `GraphQL lists column ${path} but cannot explain it`).not.toBeNull();
      columns.set(path, explained!.tier);
    });
  }
  return {
    dataset: new Map(datasets.map((dataset) => [dataset.path, dataset.tier])),
    column: columns,
    metric: new Map(metrics.map((metric) => [metric.name, metric.tier])),
    glossary_term: new Map(terms.map((term) => [term.name, term.tier])),
  };
}

// ---- the property -------------------------------------------------------------------------------

const sorted = (values: Iterable<string>) => [...values].sort();
const withTier = (tiers: Tiers, tier: 'DISCOVER' | 'READ' | null) =>
  sorted([...tiers].filter(([, shown]) => tier === null || shown === tier).map(([path]) => path));

async function evaluateAll(subject: Entity, items: { type: string; id: string; action: string }[]) {
  const decisions: Decision[] = [];
  for (let start = 0; start < items.length; start += 200) {
    const chunk = items.slice(start, start + 200);
    const answer = await pep.evaluations({
      subject,
      evaluations: chunk.map((item) => ({
        action: { name: item.action },
        resource: { type: item.type, id: item.id },
      })),
    });
    expect(answer.evaluations).toHaveLength(chunk.length);
    decisions.push(...answer.evaluations);
  }
  return decisions;
}

const pageLimit: Record<ResourceType, number> = { dataset: 7, column: 61, metric: 5, glossary_term: 3 };

async function checkViewer(shape: ViewerShape): Promise<void> {
  const email = people[shape.person % people.length]!;
  const token = await tokenFor(email, shape);
  const subject: Entity = { type: 'user', id: email, properties: { token } };
  const shown = await graphqlTiers(token);
  const label = `${email} ${JSON.stringify(shape.agent)}`;
  seen[shape.agent ? 'agents' : 'people'] += 1;

  // Resource search, every type and action, all pages of a small page size (columns: larger pages).
  const found: { type: ResourceType; id: string; action: string }[] = [];
  for (const type of types) {
    for (const action of ['discover', 'read'] as const) {
      const limit = pageLimit[type];
      const { results, pages } = await pep.searchResources(subject, { name: action }, type, limit);
      const ids = results.map((result) => result.id);
      expect(new Set(ids).size, `${label}: ${type} ${action} repeats no result`).toBe(ids.length);
      expect(sorted(ids), `${label}: search ${type} ${action}`).toEqual(
        withTier(shown[type], action === 'read' ? 'READ' : null),
      );
      expect(pages).toBe(Math.max(1, Math.ceil(ids.length / limit)));
      for (const result of results) {
        expect(result.type).toBe(type);
        found.push({ type, id: result.id, action });
        if (action === 'read') seen.readResults += 1;
      }
    }
  }

  // Every result, evaluated again, is permitted.
  const again = await evaluateAll(subject, found);
  again.forEach((decision, i) => {
    expect(decision.decision, `${label}: ${found[i]!.action} ${found[i]!.id} found but denied`).toBe(true);
  });

  // Every catalog object, both actions: the tier GraphQL gives it, and hidden == nonexistent.
  const everything = types.flatMap((type) =>
    catalogPaths[type].flatMap((id) => [
      { type, id, action: 'discover' },
      { type, id, action: 'read' },
    ]),
  );
  const decisions = await evaluateAll(subject, everything);
  const hidden: { type: ResourceType; id: string; action: string; answer: string }[] = [];
  decisions.forEach((decision, i) => {
    const item = everything[i]!;
    const tier = shown[item.type as ResourceType].get(item.id);
    const where = `${label}: ${item.action} ${item.type} ${item.id}`;
    if (!tier) {
      expect(decision, where).toEqual({ decision: false, context: { reason: 'not_found' } });
      hidden.push({ ...item, type: item.type as ResourceType, answer: JSON.stringify(decision) });
      return;
    }
    expect(decision.context?.tier, where).toBe(tier.toLowerCase());
    expect(decision.decision, where).toBe(item.action === 'discover' || tier === 'READ');
    if (!decision.decision) {
      seen.discoverOnly += 1;
      if (decision.context?.reason === 'approval_required') seen.requestable += 1;
      expect(decision.context?.reason, where).toBe(shape.agent ? 'approval_required' : 'read_not_allowed');
    }
  });
  // A few hidden objects of each type against a path that does not exist, byte for byte.
  seen.hidden += hidden.length;
  const sample = types.flatMap((type) => hidden.filter((item) => item.type === type).slice(0, 3));
  const absent = await evaluateAll(
    subject,
    sample.map((item) => ({ ...item, id: `${item.id}_nowhere` })),
  );
  sample.forEach((item, i) => {
    expect(JSON.stringify(absent[i]), `${label}: ${item.id}`).toBe(item.answer);
  });
}

describe('an AuthZEN gateway and the slice', () => {
  it('agree for random viewers: search equals GraphQL, results evaluate true, tiers match, hidden is absent', async () => {
    await fc.assert(fc.asyncProperty(viewerArbitrary, checkViewer), { numRuns: 20, endOnFailure: true });
    for (const [what, count] of Object.entries(seen))
      expect(count, `runs that saw ${what}`).toBeGreaterThan(0);
  }, 120_000);
});
