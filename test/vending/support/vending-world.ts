import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { importPostgresCatalog } from '../../../src/catalog/import/import-postgres-catalog.ts';
import { applyPeople } from '../../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../../src/people/import/parse-people-file.ts';
import type { PolicyInput } from '../../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../../src/policy/store/policy-store.ts';
import type { RuleInput } from '../../../src/requests/rules/rule-schema.ts';
import { applyRuleSet, validateRuleSet } from '../../../src/requests/rules/rule-store.ts';
import { type RequestWorld, requestPeople, worldAround } from '../../support/requests-fixture.ts';
import {
  adminUrl,
  createEmptyPostgresDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../../support/test-database.ts';
import { TestIdentityProvider } from '../../support/test-identity-provider.ts';
import { startTestService } from '../../support/test-service.ts';
import { connectVended, dropRolesOf, superuserIn } from './source-database.ts';

/** The source catalog's name in aperture (first path segment). */
export const shopSource = 'shop';

/**
 * The shop's data: customers and orders in three regions, card numbers and emails to mask, and an
 * `hr` schema no policy shows. Ana (region emea, analyst) reads sales with masks and her region's
 * rows; Bob (engineering) reads only the regions table.
 */
export const shopSchemaSql = `
  CREATE SCHEMA sales;
  CREATE SCHEMA hr;
  CREATE TABLE sales.customers (
    id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL, region text NOT NULL,
    card_number text NOT NULL, signed_up date NOT NULL);
  CREATE TABLE sales.orders (
    id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES sales.customers, region text NOT NULL,
    amount numeric(12,2) NOT NULL);
  CREATE TABLE sales.regions (code text PRIMARY KEY, name text NOT NULL);
  CREATE TABLE hr.salaries (employee text PRIMARY KEY, salary numeric NOT NULL);
  INSERT INTO sales.regions VALUES ('emea', 'Europe'), ('amer', 'Americas'), ('apac', 'Asia Pacific');
  INSERT INTO sales.customers
    SELECT i, 'Customer ' || i, 'customer' || i || '@mail.example',
           (ARRAY['emea', 'amer', 'apac'])[1 + i % 3],
           lpad((4000000000000000 + i * 7919)::text, 16, '0'), date '2020-01-01' + i
    FROM generate_series(1, 300) AS i;
  INSERT INTO sales.orders
    SELECT i, 1 + i % 300, (ARRAY['emea', 'amer', 'apac'])[1 + (1 + i % 300) % 3], (i % 97) * 10.5
    FROM generate_series(1, 3000) AS i;
  INSERT INTO hr.salaries VALUES ('ceo', 900000), ('ana', 70000);
  ANALYZE;
`;

export const vendingPolicies: PolicyInput[] = [
  {
    id: 'analysts-read-sales',
    description: 'Analysts read sales of their region, card numbers and emails masked',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
    resources: {
      paths: ['shop.sales.customers', 'shop.sales.customers.*', 'shop.sales.orders', 'shop.sales.orders.*'],
    },
    masks: [
      { columns: { paths: ['shop.sales.customers.card_number'] }, method: 'partial', keepLast: 4 },
      { columns: { paths: ['shop.sales.customers.email'] }, method: 'hash' },
    ],
    rowFilters: [{ predicate: 'region = {{human.region}}' }],
  },
  {
    id: 'everyone-reads-regions',
    description: 'Everyone reads the regions',
    effect: 'allow',
    tier: 'READ',
    resources: { paths: ['shop.sales.regions', 'shop.sales.regions.*'] },
  },
  {
    id: 'everyone-discovers-sales',
    description: 'Everyone may know what sales data exists (and request it)',
    effect: 'allow',
    tier: 'DISCOVER',
    resources: { paths: ['shop.sales.*', 'shop.sales.*.*'] },
  },
];

/** Engineers get the orders at once, for an hour (a JIT grant a vended login then carries). */
export const vendingRules: RuleInput[] = [
  {
    id: 'engineers-orders',
    description: 'Engineers read the orders for an hour',
    when: {
      human: { conditions: [{ attribute: 'department', op: 'equals', value: 'engineering' }] },
      resources: { paths: ['shop.sales.orders', 'shop.sales.orders.*'] },
      tiers: ['READ'],
    },
    action: 'approve',
    maxDuration: 'PT1H',
  },
];

/** A source database loaded with the shop, its owner role, and an admin role set up as the README says. */
export interface ShopSource {
  url: string;
  name: string;
  adminRole: string;
  adminUrl: string;
  rolePrefix: string;
  /** Runs SQL in the source database as the superuser. */
  asSuperuser<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** `APERTURE_SOURCE_CONNECTIONS` for it. */
  connectionsEnv(): Record<string, string>;
  drop(): Promise<void>;
}

export async function createShopSource(): Promise<ShopSource> {
  const suffix = randomBytes(4).toString('hex');
  const adminRole = `vt_${suffix}_admin`;
  const ownerRole = `vt_${suffix}_owner`;
  const rolePrefix = `vt_${suffix}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const database = await createEmptyPostgresDatabase('aperture_vending');
  const asSuperuser = superuserIn(database.url);
  await asSuperuser(`
    CREATE ROLE ${ownerRole} NOLOGIN;
    ${shopSchemaSql}
    ALTER SCHEMA sales OWNER TO ${ownerRole};
    ALTER TABLE sales.customers OWNER TO ${ownerRole};
    ALTER TABLE sales.orders OWNER TO ${ownerRole};
    ALTER TABLE sales.regions OWNER TO ${ownerRole};
    -- A hardened database: nobody creates objects or temporary tables by default.
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    REVOKE TEMPORARY ON DATABASE "${database.name}" FROM PUBLIC;
    -- The admin role, as the README sets it up.
    CREATE ROLE ${adminRole} LOGIN PASSWORD '${password}' CREATEROLE;
    GRANT pg_signal_backend TO ${adminRole};
    GRANT CREATE ON DATABASE "${database.name}" TO ${adminRole};
    GRANT ${ownerRole} TO ${adminRole};
  `);
  const url = new URL(adminUrl);
  url.username = adminRole;
  url.password = password;
  url.pathname = `/${database.name}`;
  const adminConnection = url.toString();
  return {
    url: database.url,
    name: database.name,
    adminRole,
    adminUrl: adminConnection,
    rolePrefix,
    asSuperuser,
    connectionsEnv: () => ({
      APERTURE_SOURCE_CONNECTIONS: JSON.stringify({
        [shopSource]: { adminUrl: adminConnection, rolePrefix },
      }),
    }),
    async drop() {
      await database.drop();
      // The admin, the owner, and whatever aperture made under the prefix (all start with it).
      await dropRolesOf(rolePrefix);
    },
  };
}

/** Loads people, the shop's catalog (imported from the live source) and the vending policies. */
export async function loadVendingCompany(
  db: TestDatabase,
  source: Pick<ShopSource, 'url'>,
  policies = vendingPolicies,
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-people-'));
  const file = path.join(dir, 'people.json');
  await writeFile(file, JSON.stringify(requestPeople));
  await applyPeople(db.prisma, file, await parsePeopleFile(file));
  await importPostgresCatalog(db.prisma, source.url, { sourceName: shopSource, schemas: ['sales', 'hr'] });
  await applyPolicySet(db.prisma, validatePolicySet(policies, 'test'), { source: 'test' });
  await applyRuleSet(db.prisma, validateRuleSet(vendingRules, 'test'), { source: 'test' });
}

export interface VendingTestWorld {
  readonly db: TestDatabase;
  readonly source: ShopSource;
  readonly world: RequestWorld;
  /** Vends a login over GraphQL with `token`. */
  vend(token: string, ttlSeconds?: number): Promise<VendedLogin>;
  /** A pg client logged in with a vended login. */
  connectAs(login: VendedLogin): Promise<pg.Client>;
}

export interface VendedLogin {
  username: string;
  password: string;
  host: string;
  port: number;
  database: string;
  expiresAt: string;
  limitedBy: string;
  datasets: {
    dataset: string;
    relation: string;
    columns: string[];
    masked: { column: string; method: string }[];
    rowFilter: string | null;
  }[];
}

export const vendMutation = `mutation ($source: String!, $ttl: Int) {
  vendDatabaseCredential(source: $source, ttlSeconds: $ttl) {
    username password host port database expiresAt limitedBy
    datasets { dataset relation columns masked { column method } rowFilter }
  }
}`;

/** A test file's source database, aperture database and running service with vending on. */
export function useVendingWorld(options: { env?: Record<string, string> } = {}): VendingTestWorld {
  let db: TestDatabase | undefined;
  let source: ShopSource | undefined;
  let idp: TestIdentityProvider | undefined;
  let world: RequestWorld | undefined;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    source = await createShopSource();
    db = await createTestDatabase();
    await loadVendingCompany(db, source);
    idp = await TestIdentityProvider.create();
    const service = await startTestService(db, {
      providers: [await idp.serveJwks()],
      env: { ...source.connectionsEnv(), ...options.env },
    });
    world = await worldAround(service, idp);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
    await world?.service.stop();
    await idp?.close();
    await db?.dispose();
    await source?.drop();
  });
  return {
    get db() {
      return db!;
    },
    get source() {
      return source!;
    },
    get world() {
      return world!;
    },
    async vend(token, ttlSeconds) {
      const result = await world!.gql<{ vendDatabaseCredential: VendedLogin }>(token, vendMutation, {
        source: shopSource,
        ttl: ttlSeconds ?? null,
      });
      if (!result.data?.vendDatabaseCredential) throw new Error(JSON.stringify(result.errors));
      return result.data.vendDatabaseCredential;
    },
    async connectAs(login) {
      const client = await connectVended(login);
      clients.push(client);
      return client;
    },
  };
}
