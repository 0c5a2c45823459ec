import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { adminUrl, createEmptyPostgresDatabase } from '../../test/support/test-database.ts';
import { dropRolesOf, superuserIn } from '../../test/vending/support/source-database.ts';

/** The catalog source's name in aperture (first path segment). */
export const benchSource = 'shop';

/** Eight regions of 25,000 customers each: a row filter keeps one eighth of the table. */
export const regions = ['emea', 'amer', 'apac', 'latam', 'nordics', 'dach', 'anz', 'mena'] as const;

export const customerCount = 200_000;

/**
 * A source database with a realistic customers table (200,000 rows: a region, a card number, an
 * email, a lifetime value; indexes on id and region as a shop would have), owned by a table
 * owner role that can log in (the baseline of the query comparison), and an admin role set up as
 * the README says (never a superuser). Every name carries a random suffix: roles are cluster-wide.
 */
export interface BenchSource {
  url: string;
  name: string;
  rolePrefix: string;
  /** The table owner, logging in (trust auth on 127.0.0.1, as the tests). */
  ownerUrl: string;
  /** `APERTURE_SOURCE_CONNECTIONS` for it. */
  connectionsEnv(): Record<string, string>;
  /** Runs SQL in the source database as the superuser. */
  asSuperuser<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** Drops the database and every role it made (vended logins, capability roles, reader, marker). */
  drop(): Promise<void>;
}

export async function createBenchSource(): Promise<BenchSource> {
  const suffix = randomBytes(4).toString('hex');
  const rolePrefix = `vb_${suffix}`;
  const adminRole = `vb_${suffix}_admin`;
  const ownerRole = `vb_${suffix}_owner`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const database = await createEmptyPostgresDatabase('aperture_vend_bench');
  const roleUrl = (role: string, secret?: string) => {
    const url = new URL(adminUrl);
    url.username = role;
    url.password = secret ?? '';
    url.pathname = `/${database.name}`;
    return url.toString();
  };
  const asSuperuser = superuserIn(database.url);
  const source: BenchSource = {
    url: database.url,
    name: database.name,
    rolePrefix,
    ownerUrl: roleUrl(ownerRole),
    connectionsEnv: () => ({
      APERTURE_SOURCE_CONNECTIONS: JSON.stringify({
        [benchSource]: { adminUrl: roleUrl(adminRole, password), rolePrefix },
      }),
    }),
    asSuperuser,
    async drop() {
      await database.drop();
      // Vended logins, capability and filter roles, reader and marker, then ours: all carry the prefix.
      await dropRolesOf(rolePrefix);
    },
  };
  const regionArray = `ARRAY[${regions.map((region) => `'${region}'`).join(', ')}]`;
  try {
    await asSuperuser(`
      CREATE ROLE ${ownerRole} LOGIN;
      CREATE SCHEMA sales AUTHORIZATION ${ownerRole};
      SET ROLE ${ownerRole};
      CREATE TABLE sales.customers (
        id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL, region text NOT NULL,
        card_number text NOT NULL, lifetime_value numeric(12,2) NOT NULL, signed_up date NOT NULL);
      CREATE TABLE sales.regions (code text PRIMARY KEY, name text NOT NULL);
      INSERT INTO sales.regions SELECT code, initcap(code) FROM unnest(${regionArray}) AS code;
      INSERT INTO sales.customers
        SELECT i, 'Customer ' || i, 'customer' || i || '@mail.example',
               (${regionArray})[1 + i % ${regions.length}],
               lpad((4000000000000000 + i * 7919)::text, 16, '0'),
               round((i * 37 % 100000) / 10.0, 2), date '2015-01-01' + i % 3650
        FROM generate_series(1, ${customerCount}) AS i;
      CREATE INDEX customers_region ON sales.customers (region);
      RESET ROLE;
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      REVOKE TEMPORARY ON DATABASE "${database.name}" FROM PUBLIC;
      CREATE ROLE ${adminRole} LOGIN PASSWORD '${password}' CREATEROLE;
      GRANT pg_signal_backend TO ${adminRole};
      GRANT CREATE ON DATABASE "${database.name}" TO ${adminRole};
      GRANT ${ownerRole} TO ${adminRole};
    `);
    await asSuperuser('VACUUM ANALYZE sales.customers');
    await asSuperuser('VACUUM ANALYZE sales.regions');
  } catch (error) {
    await source.drop();
    throw error;
  }
  return source;
}
