import { randomBytes } from 'node:crypto';
import { adminUrl, createEmptyPostgresDatabase } from '../../support/test-database.ts';
import { dropRolesOf, superuserIn } from './source-database.ts';

/**
 * A source database with two schemas and an admin role that lacks some of what vending needs:
 * no CREATEROLE, no pg_signal_backend, no CREATE on the database, no USAGE on `hr`; a table owned
 * by another role, tables only a superuser owns, SELECT granted to PUBLIC (a whole table and a column).
 * Roles are cluster-wide: their names carry a random suffix and `drop` removes them.
 */
export interface SourceFixture {
  database: { url: string; name: string };
  /** The admin role's connection, with its password. */
  adminUrl: string;
  password: string;
  adminRole: string;
  ownerRole: string;
  rolePrefix: string;
  /** Runs SQL in the source database as postgres. */
  asSuperuser(sql: string): Promise<void>;
  drop(): Promise<void>;
}

export async function createSourceFixture(): Promise<SourceFixture> {
  const suffix = randomBytes(4).toString('hex');
  const adminRole = `srcchk_${suffix}_admin`;
  const ownerRole = `srcchk_${suffix}_owner`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const database = await createEmptyPostgresDatabase('aperture_srccheck');
  const superuser = superuserIn(database.url);
  const asSuperuser = async (sql: string) => {
    await superuser(sql);
  };
  await asSuperuser(`
    CREATE ROLE ${adminRole} LOGIN PASSWORD '${password}';
    REVOKE TEMPORARY ON DATABASE "${database.name}" FROM PUBLIC;
    CREATE ROLE ${ownerRole} NOLOGIN;
    CREATE SCHEMA sales;
    CREATE SCHEMA hr;
    GRANT USAGE ON SCHEMA sales TO ${adminRole};
    GRANT USAGE ON SCHEMA sales TO ${ownerRole};

    CREATE TABLE sales.customers (id bigint PRIMARY KEY, email text, region text);
    ALTER TABLE sales.customers OWNER TO ${ownerRole};
    GRANT SELECT (region) ON sales.customers TO PUBLIC;
    CREATE TABLE sales.orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric);
    GRANT SELECT ON sales.orders TO ${adminRole} WITH GRANT OPTION;
    CREATE TABLE sales.regions (code text PRIMARY KEY, name text);
    GRANT SELECT ON sales.regions TO PUBLIC;
    CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 1000;
    CREATE TABLE sales.legacy (id bigint);

    CREATE TABLE hr.salaries (employee_id bigint PRIMARY KEY, salary numeric);
    -- Runs with its owner's rights, and PUBLIC may call it (the default for a new function).
    CREATE FUNCTION hr.salary_of(bigint) RETURNS numeric LANGUAGE sql SECURITY DEFINER
      AS 'SELECT salary FROM hr.salaries WHERE employee_id = $1';
    CREATE TABLE hr.reviews (employee_id bigint, rating int, region text);
  `);
  const url = new URL(adminUrl);
  url.username = adminRole;
  url.password = password;
  url.pathname = `/${database.name}`;
  return {
    database,
    adminUrl: url.toString(),
    password,
    adminRole,
    ownerRole,
    rolePrefix: `srcchk_${suffix}`,
    asSuperuser,
    async drop() {
      await database.drop();
      await dropRolesOf(`srcchk_${suffix}`);
    },
  };
}
