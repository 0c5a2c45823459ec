import pg from 'pg';
import { redactUrl } from '../../logging/redact-url.ts';
import type { SourceConnection } from '../source-connections.ts';
import { dropUnusedShapes } from './drop-unused-shapes.ts';
import { ensureShapes } from './ensure-shapes.ts';
import { installManagedObjects } from './install-managed-objects.ts';
import { lockManaged, managedLocks } from './managed-locks.ts';
import { type ManagedNames, managedNames, quoteIdent, quoteLiteral } from './managed-names.ts';
import { scramVerifier } from './scram-verifier.ts';
import type { ViewShape } from './view-shape.ts';

/** What a vended role reads and who it is for, as the source database records it. */
export interface RoleGrants {
  shapes: ViewShape[];
  /** The human's values of the attributes row filters read. */
  attributes: { attribute: string; value: string }[];
  expiresAt: Date;
}

export interface RoleIdentity {
  roleName: string;
  apertureId: string;
  humanEmail: string;
  chain: string[];
  intent: string;
}

/** How ending a role went: dropped, or left unable to log in and holding nothing. */
export type EndOutcome =
  | { ended: 'dropped'; sessions: number }
  | { ended: 'disabled'; sessions: number; reason: string };

const connectionLimit = 5;

/**
 * A new shape or row filter alters a table (CREATE/ALTER POLICY, ENABLE ROW LEVEL SECURITY), which
 * waits for every open transaction on it, and every reader of the table would queue behind that
 * wait: a vend that cannot get its locks soon fails instead.
 */
async function limitLockWaits(client: pg.ClientBase): Promise<void> {
  await client.query("SET LOCAL lock_timeout = '5s'");
}

/**
 * One source database, as its admin role sees it: a small pool and the role operations of
 * vending. Every change that must hold together runs in one transaction (PostgreSQL's DDL,
 * CREATE ROLE and GRANT included), so a failed vend leaves nothing behind.
 */
export class SourceDatabase {
  readonly names: ManagedNames;
  private readonly pool: pg.Pool;
  /**
   * The connections that wait for and hold the follow lock, apart from the work's: were they one
   * pool, lock waiters could take every connection while the holder waits for one to do its work.
   */
  private readonly lockPool: pg.Pool;
  private installed: Promise<void> | null = null;

  constructor(readonly connection: SourceConnection) {
    this.names = managedNames(connection);
    const options = {
      connectionString: connection.adminUrl,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    };
    // Vends run at once up to this many; rechecks take one each.
    this.pool = new pg.Pool({ ...options, max: 8 });
    this.lockPool = new pg.Pool({ ...options, max: 2 });
    // An idle client's error (the database restarted) must not end the process.
    this.pool.on('error', () => {});
    this.lockPool.on('error', () => {});
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }

  /** Runs `work` in a transaction as the admin. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, pool = this.pool): Promise<T> {
    const client = await this.connect(pool);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** A connection, or an error for operators (it names the server: callers keep it from agents). */
  private async connect(pool: pg.Pool): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (error) {
      throw new Error(
        `source ${this.connection.source} cannot be reached (${redactUrl(this.connection.adminUrl)}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * Runs `work` while holding this source's follow lock (a row lock in aperture's schema of the
   * source database, held by a transaction open for as long), so that replicas recheck and sweep
   * its roles one at a time and a stale recheck never overwrites a newer one.
   */
  async exclusively<T>(work: () => Promise<T>): Promise<T> {
    await this.install();
    return this.transaction(async (client) => {
      await lockManaged(client, this.names, managedLocks.follow, 'exclusive');
      return work();
    }, this.lockPool);
  }

  /** Creates the managed schema, roles and tables once per process (idempotent). */
  install(): Promise<void> {
    this.installed ??= this.installOnce().catch((error: unknown) => {
      this.installed = null;
      throw error;
    });
    return this.installed;
  }

  /** Two replicas installing at once may both create a role or schema: the loser tries again. */
  private async installOnce(attempts = 3): Promise<void> {
    try {
      await this.transaction((client) => installManagedObjects(client, this.names));
    } catch (error) {
      const code = (error as { code?: string }).code;
      const collided = code === '23505' || code === '42710' || code === '42P06' || code === '42P07';
      if (!collided || attempts <= 1) throw error;
      await this.installOnce(attempts - 1);
    }
  }

  /** Creates a login with exactly `grants`, in one transaction. */
  async createRole(identity: RoleIdentity, password: string, grants: RoleGrants): Promise<void> {
    const role = quoteIdent(identity.roleName);
    const verifier = await scramVerifier(password);
    await this.withShapes(grants, async (client) => {
      await client.query(
        `CREATE ROLE ${role} LOGIN PASSWORD ${quoteLiteral(verifier)}
         VALID UNTIL ${quoteLiteral(grants.expiresAt.toISOString())}
         NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT
         CONNECTION LIMIT ${connectionLimit} IN ROLE ${quoteIdent(this.names.vendedMarker)}`,
      );
      // A session idle inside a transaction holds its tables' locks, which would keep a new row
      // filter's policy (and every other reader queued behind it) waiting.
      await client.query(`ALTER ROLE ${role} SET idle_in_transaction_session_timeout = '60s'`);
      await client.query(
        `INSERT INTO ${this.names.vendedRolesTable} (role_name, human_email, agent_chain, intent, expires_at, aperture_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          identity.roleName,
          identity.humanEmail,
          identity.chain,
          identity.intent,
          grants.expiresAt,
          identity.apertureId,
        ],
      );
      await this.writeGrants(client, identity.roleName, grants, []);
    });
  }

  /**
   * Brings a live role to `grants`: memberships added and revoked, its filters, attributes and
   * expiry rewritten. Takes effect for the role's next statement, in open sessions too; but a
   * transaction opened before (REPEATABLE READ keeps its snapshot of the mapping tables) would go
   * on seeing the old filter, so when the change `narrows` what the role reads, its sessions are
   * terminated (the login stays: the agent connects again).
   */
  async updateRole(roleName: string, grants: RoleGrants, narrows: boolean): Promise<void> {
    await this.withShapes(grants, async (client) => {
      const held = await this.capabilitiesOf(client, roleName);
      await client.query(
        `ALTER ROLE ${quoteIdent(roleName)} VALID UNTIL ${quoteLiteral(grants.expiresAt.toISOString())}`,
      );
      await client.query(`UPDATE ${this.names.vendedRolesTable} SET expires_at = $2 WHERE role_name = $1`, [
        roleName,
        grants.expiresAt,
      ]);
      await client.query(`DELETE FROM ${this.names.attributesTable} WHERE role_name = $1`, [roleName]);
      await this.writeGrants(client, roleName, grants, held);
    });
    // The admin cannot see which of the role's sessions are inside a transaction (pg_stat_activity
    // hides that from non-members): a narrowing ends them all, and the agent logs in again.
    if (narrows) await this.terminateSessions(roleName);
  }

  /**
   * Runs `work` in a transaction once the shapes `grants` names exist, holding the shared shapes
   * lock so the sweep cannot drop one before `work` grants it.
   */
  private async withShapes(
    grants: RoleGrants,
    work: (client: pg.PoolClient) => Promise<void>,
  ): Promise<void> {
    await this.install();
    await this.transaction(async (client) => {
      await limitLockWaits(client);
      await lockManaged(client, this.names, managedLocks.shapes, 'shared');
      await ensureShapes(client, this.names, this.connection.rolePrefix, grants.shapes);
      await work(client);
    });
  }

  private async writeGrants(
    client: pg.ClientBase,
    roleName: string,
    grants: RoleGrants,
    held: readonly string[],
  ): Promise<void> {
    const role = quoteIdent(roleName);
    const wanted = new Set(grants.shapes.map((shape) => shape.capabilityRole));
    const revoke = held.filter((capability) => !wanted.has(capability));
    const add = [...wanted].filter((capability) => !held.includes(capability));
    if (revoke.length > 0) await client.query(`REVOKE ${revoke.map(quoteIdent).join(', ')} FROM ${role}`);
    if (add.length > 0) await client.query(`GRANT ${add.map(quoteIdent).join(', ')} TO ${role}`);
    if (grants.attributes.length > 0) {
      await client.query(
        `INSERT INTO ${this.names.attributesTable} (role_name, attribute, value)
         SELECT $1, a, v FROM unnest($2::text[], $3::text[]) AS t(a, v) ON CONFLICT DO NOTHING`,
        [
          roleName,
          grants.attributes.map((entry) => entry.attribute),
          grants.attributes.map((entry) => entry.value),
        ],
      );
    }
  }

  private async capabilitiesOf(client: pg.ClientBase, roleName: string): Promise<string[]> {
    const { rows } = await client.query<{ rolname: string }>(
      `SELECT r.rolname FROM pg_auth_members m
       JOIN pg_roles r ON r.oid = m.roleid
       JOIN pg_roles v ON v.oid = m.member
       WHERE v.rolname = $1 AND starts_with(r.rolname, $2)`,
      [roleName, this.names.capabilityPrefix],
    );
    return rows.map((row) => row.rolname);
  }

  /**
   * Ends a login: its rights go first (memberships and mapping, so an open session's next
   * statement reads nothing), then it cannot log in, then its sessions are terminated, then it is
   * dropped. If the drop fails (it owns something) it stays disabled, and the reason is returned.
   */
  async endRole(roleName: string): Promise<EndOutcome> {
    const role = quoteIdent(roleName);
    const exists = await this.transaction(async (client) => {
      const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [roleName]);
      await client.query(`DELETE FROM ${this.names.vendedRolesTable} WHERE role_name = $1`, [roleName]).catch(
        // The managed schema may not exist yet (nothing was ever vended here).
        (error: { code?: string }) => {
          if (error.code !== '42P01' && error.code !== '3F000') throw error;
        },
      );
      if (found.rowCount === 0) return false;
      const held = await this.capabilitiesOf(client, roleName);
      if (held.length > 0) await client.query(`REVOKE ${held.map(quoteIdent).join(', ')} FROM ${role}`);
      await client.query(`ALTER ROLE ${role} NOLOGIN`);
      return true;
    });
    if (!exists) return { ended: 'dropped', sessions: 0 };
    const sessions = await this.terminateSessions(roleName);
    try {
      await this.pool.query(`DROP ROLE IF EXISTS ${role}`);
      return { ended: 'dropped', sessions };
    } catch (error) {
      return { ended: 'disabled', sessions, reason: (error as Error).message };
    }
  }

  /** Terminates the role's sessions and waits (up to 2 s) until they are gone. */
  async terminateSessions(roleName: string): Promise<number> {
    const { rows } = await this.pool.query<{ terminated: boolean }>(
      'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE usename = $1',
      [roleName],
    );
    // A backend still exiting would make DROP ROLE fail and leave the role disabled.
    for (let waited = 0; waited < 2000; waited += 50) {
      const left = await this.pool.query('SELECT 1 FROM pg_stat_activity WHERE usename = $1', [roleName]);
      if (left.rowCount === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return rows.filter((row) => row.terminated).length;
  }

  /**
   * The vended logins the database has (members of the marker role) but those vended in the last
   * two minutes: a vend commits its role before aperture records it, and must not be taken for an
   * orphan meanwhile.
   */
  async settledVendedRoles(): Promise<string[]> {
    const { rows } = await this.pool.query<{ rolname: string }>(
      `SELECT v.rolname FROM pg_auth_members m
       JOIN pg_roles marker ON marker.oid = m.roleid
       JOIN pg_roles v ON v.oid = m.member
       LEFT JOIN ${this.names.vendedRolesTable} mapped ON mapped.role_name = v.rolname
       WHERE marker.rolname = $1 AND (mapped.vended_at IS NULL OR mapped.vended_at < now() - interval '2 minutes')`,
      [this.names.vendedMarker],
    );
    return rows.map((row) => row.rolname);
  }

  /** Which of these roles exist in the cluster. */
  async existingRoles(roleNames: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])',
      [[...roleNames]],
    );
    return new Set(rows.map((row) => row.rolname));
  }

  /**
   * Drops the shapes no vended login holds any more (see dropUnusedShapes), under the exclusive
   * shapes lock, so no vend is between checking a shape and granting it.
   */
  async dropUnusedShapes(): Promise<number> {
    await this.install();
    return this.transaction(async (client) => {
      await lockManaged(client, this.names, managedLocks.shapes, 'exclusive');
      return dropUnusedShapes(client, this.names, this.connection.rolePrefix);
    });
  }
}
