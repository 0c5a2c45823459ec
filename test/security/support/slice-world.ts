import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import type { RunningService } from '../../../src/app/start-service.ts';
import {
  type CapabilityCeiling,
  capabilityCeilingSchema,
} from '../../../src/identity/agents/capability-ceiling.ts';
import type { PolicyHuman } from '../../../src/policy/access-context.ts';
import { compilePolicySet } from '../../../src/policy/compile-policies.ts';
import type { CatalogIndex } from '../../../src/policy/slice/catalog-index.ts';
import { loadCatalog } from '../../../src/policy/slice/loaded-catalog.ts';
import { currentPolicySet } from '../../../src/policy/store/policy-store.ts';
import { ViewerAccess } from '../../../src/policy/viewer-access.ts';
import type { Visibility } from '../../../src/policy/visibility.ts';
import { demoPeoplePath, loadDemoCompanyIfEmpty } from '../../../src/seeds/demo-seed.ts';
import { GovernanceClient } from '../../support/governance-client.ts';
import { graphql } from '../../support/graphql-client.ts';
import { exchangeToken } from '../../support/oauth-client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { TestIdentityProvider } from '../../support/test-identity-provider.ts';
import { startTestService } from '../../support/test-service.ts';

/**
 * What one person may know of the demo catalog, worked out by the pure engine from the stored
 * policies and catalog, independently of the GraphQL read layer the attacks go through.
 */
export interface Oracle {
  catalog: CatalogIndex;
  /** Tier by path (metrics and terms by name, terms without their `glossary:` prefix). */
  tierOf(path: string): Visibility | undefined;
  /** Every catalog path or name this person may not even discover. */
  hidden: Set<string>;
  /** Every catalog path or name this person may discover or read. */
  visible: Set<string>;
}

/** An agent acting for a demo person: its ceiling and the intent it acts under. */
export interface AgentSpec {
  name: string;
  ceiling: Partial<CapabilityCeiling>;
  intent: { name: string; allowedTiers: ('DISCOVER' | 'READ')[]; allowedTags?: string[] };
}

/** The demo company (Acme Cloudworks, seeds/) behind the real service, with tokens for its people. */
export interface SliceWorld {
  readonly db: TestDatabase;
  readonly service: RunningService;
  /** A human token of a demo person (by email). */
  token(email: string): Promise<string>;
  /** A token a demo person hands to an agent (to exchange for a delegation token). */
  subjectToken(email: string): Promise<string>;
  gql(token: string, query: string, variables?: Record<string, unknown>): ReturnType<typeof graphql>;
  /** The same document as raw response text, for byte-for-byte comparisons. */
  raw(token: string, query: string, variables?: Record<string, unknown>): Promise<string>;
  /** A delegation token of an agent (registered by the governance lead on first use) acting for `email`. */
  agentToken(email: string, agent: AgentSpec, options?: { resource?: string }): Promise<string>;
  /** What `email` may know, alone or through `agent`. */
  oracle(email: string, agent?: AgentSpec): Promise<Oracle>;
}

export function useSliceWorld(): SliceWorld {
  let db: TestDatabase | undefined;
  let idp: TestIdentityProvider | undefined;
  let service: RunningService | undefined;
  const oracles = new Map<string, Promise<Oracle>>();
  const agents = new Map<string, { clientId: string; clientSecret: string }>();
  beforeAll(async () => {
    db = await createTestDatabase();
    await loadDemoCompanyIfEmpty(db.prisma);
    idp = await TestIdentityProvider.create();
    service = await startTestService(db, { providers: [await idp.serveJwks()] });
  });
  afterAll(async () => {
    await service?.stop();
    await idp?.close();
    await db?.dispose();
  });
  return {
    get db() {
      return db!;
    },
    get service() {
      return service!;
    },
    token: (email) => idp!.token(email),
    subjectToken: (email) => idp!.subjectToken(email),
    gql: (token, query, variables = {}) => graphql(service!.graphqlUrl, query, variables, token),
    async raw(token, query, variables = {}) {
      const response = await fetch(service!.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query, variables }),
      });
      return `${response.status} ${await response.text()}`;
    },
    async agentToken(email, spec, options = {}) {
      let agent = agents.get(spec.name);
      if (!agent) {
        const governance = new GovernanceClient(
          service!.graphqlUrl,
          await idp!.token('rachel.stone@acme.example'),
        );
        await governance.createIntent({
          name: spec.intent.name,
          description: `Intent of ${spec.name}`,
          allowedTiers: spec.intent.allowedTiers,
          ...(spec.intent.allowedTags ? { allowedTags: spec.intent.allowedTags } : {}),
        });
        agent = await governance.registerAgent({
          name: spec.name,
          ownerEmail: email,
          allowedIntents: [spec.intent.name],
          ceiling: spec.ceiling,
        });
        agents.set(spec.name, agent);
      }
      const exchanged = await exchangeToken(service!.url, agent, {
        subject_token: await idp!.subjectToken(email),
        intent: spec.intent.name,
        ...(options.resource ? { resource: options.resource } : {}),
      });
      if (!exchanged.body.access_token) throw new Error(JSON.stringify(exchanged.body));
      return exchanged.body.access_token;
    },
    oracle(email, agent) {
      const key = JSON.stringify([email, agent ?? null]);
      let oracle = oracles.get(key);
      if (!oracle) {
        oracle = buildOracle(db!, email, agent);
        oracles.set(key, oracle);
      }
      return oracle;
    },
  };
}

interface DemoPerson {
  email: string;
  department?: string;
  region?: string;
  title?: string;
  groups?: string[];
  manager?: string;
  attributes?: PolicyHuman['attributes'];
}

async function buildOracle(db: TestDatabase, email: string, agent?: AgentSpec): Promise<Oracle> {
  const people = JSON.parse(await readFile(demoPeoplePath, 'utf8')) as DemoPerson[];
  const person = people.find((candidate) => candidate.email === email);
  if (!person) throw new Error(`${email} is not a demo person`);
  const set = await currentPolicySet(db.prisma);
  const catalog = (await loadCatalog(db.prisma)).index;
  const access = new ViewerAccess(compilePolicySet(set.policies, set.version), {
    human: {
      email,
      department: person.department ?? null,
      region: person.region ?? null,
      title: person.title ?? null,
      groups: person.groups ?? [],
      manager: person.manager ?? null,
      attributes: person.attributes ?? {},
    },
    intent: agent
      ? {
          name: agent.intent.name,
          allowedTiers: agent.intent.allowedTiers,
          allowedTags: agent.intent.allowedTags ?? [],
        }
      : null,
    ceilings: agent ? [capabilityCeilingSchema.parse(agent.ceiling)] : [],
    grants: [],
    now: new Date(),
  });
  const lookup = (path: string) => catalog.byPath.get(path);
  const tiers = new Map<string, Visibility>();
  for (const object of catalog.byId.values()) {
    tiers.set(object.path.replace(/^glossary:/, ''), access.decide(object, lookup).visibility);
  }
  const hidden = new Set<string>();
  const visible = new Set<string>();
  for (const [path, tier] of tiers) (tier === 'HIDDEN' ? hidden : visible).add(path);
  return { catalog, tierOf: (path) => tiers.get(path), hidden, visible };
}
