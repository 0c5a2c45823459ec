import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import { requestPeople, requestRules, useRequestWorld } from '../support/requests-fixture.ts';
import { callOf, type RootField, rootFields } from './support/governance-fields.ts';

/**
 * Governance rights: every governance-only query and mutation, read from the schema, called by
 * someone who must not govern. Agents never get governance, not even acting for a governance lead.
 */

const t = useRequestWorld();

const fields = rootFields(schema);

const governanceFields = fields.filter((field) => field.governance);

/** The AuthZEN door's PEP clients (issue 21): governance alone registers, lists and changes them. */
const pepClientFields = [
  'query pepClients',
  'mutation registerPepClient',
  'mutation rotatePepClientSecret',
  'mutation suspendPepClient',
  'mutation reactivatePepClient',
  'mutation retirePepClient',
];

/** Fields any verified caller may use (each decides per object what the caller may see or do). */
const openFields = [
  'query accessRequest',
  // A person's own (agents are refused or get an empty list): consent, issue 19.
  'query awaitingMyConfirmation',
  'query myStandingConsents',
  'mutation confirmAccessRequest',
  'mutation revokeStandingConsent',
  'query dataset',
  'query datasets',
  'query domains',
  'query explainAccess',
  'query glossaryTerm',
  'query glossaryTerms',
  'query health',
  'query intents',
  'query metric',
  'query metrics',
  'query myAccessRequests',
  'query myDelegations',
  'query myGrants',
  'query search',
  'query sources',
  'query viewer',
  'mutation approveAccessRequest',
  'mutation cancelAccessRequest',
  'mutation denyAccessRequest',
  'mutation releaseDatabaseCredential',
  'mutation requestAccess',
  'mutation requestGrantExtension',
  'mutation revokeDelegationToken',
  'mutation revokeGrant',
  'mutation vendDatabaseCredential',
  'subscription accessRequestUpdated',
];

/** Real ids, so that a call that got through would change something we then see. */
let overrides: Record<string, unknown>;
/** A registered PEP client's id, for the PEP client mutations (`clientId` is an agent's otherwise). */
let pepClientId: string;

type Caller = 'nobody' | 'an agent acting for a governance lead' | 'a human outside governance';
const callers: Caller[] = ['nobody', 'an agent acting for a governance lead', 'a human outside governance'];
const tokens = new Map<Caller, string | undefined>();

beforeAll(async () => {
  const anaAgent = await t.world.agentToken('ana@acme.test');
  const token = await t.db.prisma.delegationToken.findFirstOrThrow({ where: { revokedAt: null } });
  overrides = {
    clientId: t.world.agentClientId('SQL agent'),
    tokenId: token.jti,
    name: 'analytics',
    humanEmail: 'gina@acme.test',
    intent: 'analytics',
    rule: { ...requestRules[0], id: 'approve-everything-for-analysts' },
    agentClientIds: [t.world.agentClientId('SQL agent')],
    policies: [],
    rules: [],
    dryRun: false,
    // Connections (auditEvents): one page forwards; every paging argument at once is refused.
    first: 1,
    last: null,
    after: null,
    before: null,
  };
  const pep = await t.world.governance.run(
    'mutation { registerPepClient(input: { name: "gateway" }) { pepClient { clientId } } }',
  );
  pepClientId = (pep.data as { registerPepClient: { pepClient: { clientId: string } } }).registerPepClient
    .pepClient.clientId;
  tokens.set('nobody', undefined);
  tokens.set('an agent acting for a governance lead', await t.world.agentToken('gina@acme.test'));
  tokens.set('a human outside governance', await t.world.humanToken('ana@acme.test'));
  expect(anaAgent).toBeTruthy();
});

/** What governance can change, read straight from the database. */
async function governedState(): Promise<string> {
  const { prisma } = t.db;
  const state = {
    policies: await prisma.policySetVersion.findMany({ orderBy: { version: 'asc' } }),
    rules: await prisma.ruleSetVersion.findMany({ orderBy: { version: 'asc' } }),
    agents: await prisma.agent.findMany({ orderBy: { id: 'asc' } }),
    credentials: await prisma.agentCredential.findMany({ orderBy: { id: 'asc' } }),
    tokens: await prisma.delegationToken.findMany({ orderBy: { jti: 'asc' } }),
    intents: await prisma.intent.findMany({ orderBy: { name: 'asc' } }),
    suggestions: await prisma.ruleSuggestion.findMany({ orderBy: { id: 'asc' } }),
    miningRuns: await prisma.miningRun.findMany({ orderBy: { id: 'asc' } }),
    miningJobs: await prisma.job.count({ where: { kind: { startsWith: 'mining' } } }),
    consentSettings: await prisma.consentSettings.findMany(),
    pepClients: await prisma.pepClient.findMany({ orderBy: { id: 'asc' } }),
  };
  return JSON.stringify(state, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

async function call(root: RootField, token: string | undefined) {
  const { query, variables } = callOf(
    root,
    root.name.endsWith('PepClient') || root.name === 'rotatePepClientSecret'
      ? { ...overrides, clientId: pepClientId }
      : overrides,
  );
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

describe('the schema', () => {
  it('names every root field either governance-only or open to any verified caller', () => {
    expect(governanceFields.length).toBeGreaterThanOrEqual(20);
    const unclassified = fields
      .filter((field) => !governanceFields.includes(field))
      .map((field) => `${field.operation} ${field.name}`)
      .filter((name) => !openFields.includes(name));
    // A new field lands here until it is governance-scoped or knowingly open.
    expect(unclassified).toEqual([]);
    const governed = governanceFields.map((field) => `${field.operation} ${field.name}`);
    expect(governed).toEqual(expect.arrayContaining(pepClientFields));
  });

  it('lets a governance lead call every governance query (the attacks below reach authorization)', async () => {
    const gina = await t.world.humanToken('gina@acme.test');
    for (const root of governanceFields.filter((field) => field.operation === 'query')) {
      const answer = await call(root, gina);
      expect(answer.errors, root.name).toBeUndefined();
    }
  });
});

describe.each(callers)('%s', (caller) => {
  const expected = caller === 'nobody' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  it.each(governanceFields.map((field) => [`${field.operation} ${field.name}`, field] as const))(
    `cannot call %s: ${expected}, nothing changed`,
    async (_name, root) => {
      const before = await governedState();
      const answer = await call(root, tokens.get(caller));
      expect(answer.data?.[root.name] ?? null).toBeNull();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]!.extensions?.code).toBe(expected);
      expect(await governedState()).toBe(before);
    },
  );
});

describe('rights follow the people file at once', () => {
  /** Imports the request company's people file, changed by `edit`, as a people import would. */
  async function importPeople(edit: (people: typeof requestPeople) => typeof requestPeople) {
    const dir = await mkdtemp(path.join(tmpdir(), 'aperture-governance-'));
    const file = path.join(dir, 'people.json');
    await writeFile(file, JSON.stringify(edit(structuredClone(requestPeople))));
    await applyPeople(t.db.prisma, file, await parsePeopleFile(file));
  }
  const codeOf = async (name: string, token: string) =>
    (await call(fields.find((field) => field.name === name)!, token)).errors?.[0]?.extensions?.code;

  it('a human taken out of the governance group loses governance on the next call', async () => {
    const withBob = (people: typeof requestPeople, groups: string[]) =>
      people.map((person) => (person.email === 'bob@acme.test' ? { ...person, groups } : person));
    await importPeople((people) => withBob(people, ['engineering', 'governance']));
    const bob = await t.world.humanToken('bob@acme.test');
    await expect.poll(() => codeOf('policies', bob), { timeout: 5_000 }).toBeUndefined();
    await importPeople((people) => withBob(people, ['engineering']));
    await expect.poll(() => codeOf('policies', bob), { timeout: 5_000 }).toBe('FORBIDDEN');
  });

  it('a governance lead who left the company cannot govern with a token that is still valid', async () => {
    const gina = await t.world.humanToken('gina@acme.test');
    const before = await governedState();
    await importPeople((people) => people.filter((person) => person.email !== 'gina@acme.test'));
    try {
      await expect
        .poll(() => codeOf('registerAgent', gina), { timeout: 5_000 })
        .toMatch(/^(UNAUTHENTICATED|FORBIDDEN)$/);
      expect(await codeOf('policies', gina)).toMatch(/^(UNAUTHENTICATED|FORBIDDEN)$/);
      expect(await governedState()).toBe(before);
    } finally {
      await importPeople((people) => people);
    }
  });
});
