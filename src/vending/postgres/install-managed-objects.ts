import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { type ManagedNames, quoteIdent, quoteLiteral } from './managed-names.ts';

const roleOptions = 'NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION';

/**
 * Creates (idempotently) what aperture keeps in a source database: the reader and marker roles,
 * the managed schema and its mapping tables. Run by the admin inside a transaction; a failure
 * (a privilege the admin lacks) rolls it all back and names what `aperture sources check` reports.
 * It takes no lock (a vended login could hold an advisory one): two replicas installing at once
 * may collide on a name, and the loser tries again (see SourceDatabase.install).
 */
export async function installManagedObjects(client: pg.ClientBase, names: ManagedNames): Promise<void> {
  const schema = quoteIdent(names.schema);
  const reader = quoteIdent(names.reader);
  const marker = quoteIdent(names.vendedMarker);
  const existing = await client.query<{ rolname: string }>(
    'SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])',
    [[names.reader, names.vendedMarker]],
  );
  const has = new Set(existing.rows.map((row) => row.rolname));
  if (!has.has(names.reader)) await client.query(`CREATE ROLE ${reader} ${roleOptions}`);
  if (!has.has(names.vendedMarker)) await client.query(`CREATE ROLE ${marker} ${roleOptions}`);
  // The admin hands the views it creates to the reader, which needs it to be a member.
  const member = await client.query(
    `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
     WHERE r.rolname = $1 AND m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
    [names.reader],
  );
  if (member.rowCount === 0) await client.query(`GRANT ${reader} TO CURRENT_USER`);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
  await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${marker}`);
  await client.query(`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${reader}`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${names.vendedRolesTable} (
      role_name text PRIMARY KEY,
      human_email text NOT NULL,
      agent_chain text[] NOT NULL,
      intent text NOT NULL,
      expires_at timestamptz NOT NULL,
      vended_at timestamptz NOT NULL DEFAULT now(),
      aperture_id uuid NOT NULL
    )`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${names.attributesTable} (
      role_name text NOT NULL REFERENCES ${names.vendedRolesTable} ON DELETE CASCADE,
      attribute text NOT NULL,
      value text NOT NULL,
      PRIMARY KEY (role_name, attribute, value)
    )`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${schema}.row_security_tables (
      -- quoted, "schema"."table": turned back off when aperture's last row filter on it goes
      relation text PRIMARY KEY,
      enabled_by_aperture boolean NOT NULL
    )`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${names.settingsTable} (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      hash_salt text NOT NULL
    )`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${names.locksTable} (name text PRIMARY KEY)`);
  await client.query(
    `INSERT INTO ${names.settingsTable} (hash_salt) VALUES (${quoteLiteral(randomBytes(32).toString('hex'))}) ON CONFLICT DO NOTHING`,
  );
  const tables = [
    names.vendedRolesTable,
    names.attributesTable,
    `${schema}.row_security_tables`,
    names.settingsTable,
    names.locksTable,
  ];
  await client.query(`REVOKE ALL ON ${tables.join(', ')} FROM PUBLIC`);
  // Views read the mapping as their owner; a vended role reads none of it.
  await client.query(
    `GRANT SELECT ON ${names.vendedRolesTable}, ${names.attributesTable}, ${names.settingsTable} TO ${reader}`,
  );
}
