import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import type { RuleInput } from '../../src/requests/rules/rule-schema.ts';
import { applyRuleSet, validateRuleSet } from '../../src/requests/rules/rule-store.ts';
import { GovernanceClient } from './governance-client.ts';
import { graphql } from './graphql-client.ts';
import { exchangeToken } from './oauth-client.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { TestIdentityProvider } from './test-identity-provider.ts';
import { startTestService } from './test-service.ts';

/**
 * A company for access requests: Ana (finance analyst, manager Mark), Bob (engineer), the owners
 * and stewards of the shop catalog (Dana, Omar; Lee, Priya), Gina (governance) and 20 members of
 * the `approvers` group.
 */
export const requestPeople = [
  {
    email: 'gina@acme.test',
    name: 'Gina',
    department: 'legal',
    groups: ['governance'],
    slackUserId: 'U0GINA',
  },
  { email: 'mark@acme.test', name: 'Mark', department: 'finance', groups: ['managers'] },
  {
    email: 'ana@acme.test',
    name: 'Ana',
    title: 'Analyst',
    department: 'finance',
    region: 'emea',
    groups: ['analysts'],
    manager: 'mark@acme.test',
    slackUserId: 'U0ANA',
  },
  {
    email: 'bob@acme.test',
    name: 'Bob',
    department: 'engineering',
    groups: ['engineering'],
    slackUserId: 'U0BOB',
  },
  { email: 'dana@shop.example', name: 'Dana', department: 'sales', groups: ['owners'] },
  { email: 'omar@shop.example', name: 'Omar', department: 'sales', groups: ['owners'] },
  { email: 'lee@shop.example', name: 'Lee', department: 'sales', groups: ['stewards'] },
  { email: 'priya@shop.example', name: 'Priya', department: 'sales', groups: ['stewards'] },
  ...Array.from({ length: 20 }, (_, index) => ({
    email: `approver${String(index).padStart(2, '0')}@acme.test`,
    name: `Approver ${index}`,
    department: 'sales',
    groups: ['approvers'],
    slackUserId: `U0APPR${String(index).padStart(2, '0')}`,
  })),
];

export const requestPolicies: PolicyInput[] = [
  {
    id: 'discover-non-restricted',
    description: 'Everyone may know what exists, restricted data aside',
    effect: 'allow',
    tier: 'DISCOVER',
    resources: { sensitivities: ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL'] },
  },
  {
    id: 'read-public',
    description: 'Public data is readable',
    effect: 'allow',
    tier: 'READ',
    resources: { sensitivities: ['PUBLIC'] },
  },
];

/** Analysts get internal data at once; engineers never confidential; customers go to approvers. */
export const requestRules: RuleInput[] = [
  {
    id: 'analysts-internal',
    description: 'Analysts read internal data for up to 8 hours',
    when: {
      human: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
      resources: { sensitivities: ['PUBLIC', 'INTERNAL'] },
      tiers: ['READ'],
    },
    action: 'approve',
    maxDuration: 'PT8H',
  },
  {
    id: 'engineers-no-confidential',
    description: 'Engineers never see confidential data',
    when: {
      human: { conditions: [{ attribute: 'department', op: 'equals', value: 'engineering' }] },
      resources: { sensitivities: ['CONFIDENTIAL'] },
    },
    action: 'deny',
    reason: 'Confidential data is not for engineering',
  },
  {
    id: 'customers-to-approvers',
    description: 'The customers mart goes to the approvers group',
    when: { resources: { paths: ['analytics.marts.customers'] } },
    action: 'route',
    route: { approvers: [{ kind: 'group', group: 'approvers' }], maxDuration: 'P1D' },
  },
  {
    id: 'staging-customers-two',
    description: 'Staging customers needs the stewards and the manager, two of them',
    when: { resources: { paths: ['analytics.staging.stg_customers'] } },
    action: 'route',
    route: {
      approvers: [{ kind: 'stewards' }, { kind: 'manager' }],
      requiredApprovals: 2,
      escalation: { after: 'PT1H', to: [{ kind: 'group', group: 'governance' }] },
    },
  },
];

export async function loadRequestCompany(
  db: Pick<TestDatabase, 'prisma'>,
  rules: RuleInput[] = requestRules,
): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-people-'));
  const file = path.join(dir, 'people.json');
  await writeFile(file, JSON.stringify(requestPeople));
  await applyPeople(db.prisma, file, await parsePeopleFile(file));
  await importDbtManifest(db.prisma, path.resolve('test/fixtures/dbt/manifest-v12.json'));
  await applyPolicySet(db.prisma, validatePolicySet(requestPolicies, 'test'), { source: 'test' });
  await applyRuleSet(db.prisma, validateRuleSet(rules, 'test'), { source: 'test' });
}

export interface RequestWorld {
  service: RunningService;
  governance: GovernanceClient;
  /** A delegation token of agent `name` (registered on first use, owned by Ana) for `email`. */
  agentToken(
    email: string,
    options?: { agent?: string; taskId?: string; resource?: string },
  ): Promise<string>;
  humanToken(email: string): Promise<string>;
  agentClientId(name: string): string;
  /** Agent `name`'s OAuth client credentials (registered on first use, owned by Ana). */
  agentCredentials(name: string): Promise<{ clientId: string; clientSecret: string }>;
  gql<T = Record<string, unknown>>(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): ReturnType<typeof graphql<T>>;
}

/** Starts the service on a test database; see `worldAround` for any running service. */
export async function startRequestWorld(
  db: TestDatabase,
  idp: TestIdentityProvider,
  env: Record<string, string> = {},
): Promise<RequestWorld> {
  return worldAround(await startTestService(db, { providers: [await idp.serveJwks()], env }), idp);
}

/** Agents, tokens and GraphQL around a running service whose database holds the request company. */
export async function worldAround(service: RunningService, idp: TestIdentityProvider): Promise<RequestWorld> {
  const governance = new GovernanceClient(service.graphqlUrl, await idp.token('gina@acme.test'));
  const existing = await governance.run('{ intents { name } }');
  const names = (existing.data as { intents?: { name: string }[] } | undefined)?.intents ?? [];
  if (!names.some((intent) => intent.name === 'analytics')) {
    await governance.createIntent({
      name: 'analytics',
      description: 'Questions',
      allowedTiers: ['DISCOVER', 'READ'],
    });
  }
  const agents = new Map<string, { clientId: string; clientSecret: string }>();
  const agentFor = async (name: string) => {
    let agent = agents.get(name);
    if (!agent) {
      agent = await governance.registerAgent({
        name,
        ownerEmail: 'ana@acme.test',
        allowedIntents: ['analytics'],
        ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
      });
      agents.set(name, agent);
    }
    return agent;
  };
  return {
    service,
    governance,
    async agentToken(email, options = {}) {
      const agent = await agentFor(options.agent ?? 'SQL agent');
      const exchanged = await exchangeToken(service.url, agent, {
        subject_token: await idp.subjectToken(email),
        intent: 'analytics',
        ...(options.taskId ? { task_id: options.taskId } : {}),
        ...(options.resource ? { resource: options.resource } : {}),
      });
      if (!exchanged.body.access_token) throw new Error(JSON.stringify(exchanged.body));
      return exchanged.body.access_token;
    },
    humanToken: (email) => idp.token(email),
    agentClientId: (name) => agents.get(name)!.clientId,
    agentCredentials: (name) => agentFor(name),
    gql: (token, query, variables = {}) => graphql(service.graphqlUrl, query, variables, token),
  };
}

export const requestFields =
  'id status paths tier ruleId decidedBy reason approvals requiredApprovals agentChain humanEmail grant { id status expiresAt tier paths }';

export const requestAccessMutation = `mutation ($input: RequestAccessInput!) {
  requestAccess(input: $input) { duplicate request { ${requestFields} } }
}`;

/**
 * Files a request for the customers mart with `token`, which the request company's rules route to
 * the `approvers` group (Approver 0..19), and returns its id; fails the test unless it is PENDING.
 */
export async function fileRoutedRequest(
  world: RequestWorld,
  token: string,
  input: { justification?: string; duration?: string } = {},
): Promise<string> {
  const filed = await world.gql<{ requestAccess: { request: { id: string; status: string } } }>(
    token,
    requestAccessMutation,
    {
      input: {
        paths: ['analytics.marts.customers'],
        tier: 'READ',
        justification: input.justification ?? 'Churn analysis for the board',
        duration: input.duration ?? 'PT8H',
      },
    },
  );
  expect(filed.data?.requestAccess.request.status).toBe('PENDING');
  return filed.data!.requestAccess.request.id;
}

/** A test file's company, identity provider and running service, set up once and torn down after. */
export interface RequestTestWorld {
  readonly db: TestDatabase;
  readonly idp: TestIdentityProvider;
  readonly world: RequestWorld;
  /** Stops the service (e.g. to change the database while it is down) ... */
  stop(): Promise<void>;
  /** ... and starts a new one on the same database. */
  start(): Promise<void>;
}

export function useRequestWorld(
  env: Record<string, string> | (() => Record<string, string>) = {},
  before?: () => Promise<void>,
): RequestTestWorld {
  let db: TestDatabase | undefined;
  let idp: TestIdentityProvider | undefined;
  let world: RequestWorld | undefined;
  let running = false;
  const test: RequestTestWorld = {
    get db() {
      return db!;
    },
    get idp() {
      return idp!;
    },
    get world() {
      return world!;
    },
    async stop() {
      await world?.service.stop();
      running = false;
    },
    async start() {
      world = await startRequestWorld(db!, idp!, typeof env === 'function' ? env() : env);
      running = true;
    },
  };
  beforeAll(async () => {
    await before?.();
    db = await createTestDatabase();
    await loadRequestCompany(db);
    idp = await TestIdentityProvider.create();
    await test.start();
  });
  afterAll(async () => {
    if (running) await world?.service.stop();
    await idp?.close();
    await db?.dispose();
  });
  return test;
}
