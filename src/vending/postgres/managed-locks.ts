import type pg from 'pg';
import type { ManagedNames } from './managed-names.ts';

/**
 * Locks aperture takes in a source database, held until the transaction ends. They are rows of
 * its own `locks` table, not advisory locks: any role may take any advisory lock, so a vended
 * login could hold one and stall every recheck, sweep or vend of its source (its own revocation
 * included); no vended login may read, let alone lock, this table.
 */
export async function lockManaged(
  client: pg.ClientBase,
  names: ManagedNames,
  name: string,
  mode: 'shared' | 'exclusive',
): Promise<void> {
  await client.query(`INSERT INTO ${names.locksTable} (name) VALUES ($1) ON CONFLICT DO NOTHING`, [name]);
  await client.query(
    `SELECT 1 FROM ${names.locksTable} WHERE name = $1 FOR ${mode === 'shared' ? 'SHARE' : 'UPDATE'}`,
    [name],
  );
}

/** What the locks guard: shapes (vends share it, the sweep's drops take it alone), and the follow. */
export const managedLocks = {
  shapes: 'shapes',
  follow: 'follow',
  shape: (capabilityRole: string) => `shape:${capabilityRole}`,
  rowFilter: (relation: string) => `row-filter:${relation}`,
} as const;
