import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advisoryLocks,
  migrationLockKey,
  takeAdvisoryLocks,
  tryAdvisoryLock,
} from '../../src/db/locks/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * The locks module takes real PostgreSQL locks, held until the transaction ends, under the keys that
 * running replicas use (a renamed key would let an old and a new replica run side by side).
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db?.dispose());

/** The advisory locks held right now by any session, by key. */
async function heldAdvisoryKeys(names: string[]): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ name: string }[]>`
    SELECT name FROM unnest(${names}::text[]) AS name
    WHERE EXISTS (
      SELECT 1 FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objid::int = hashtext(name) AND objsubid = 1
    )`;
  return rows.map((row) => row.name).sort();
}

/** Runs `hold` in a transaction that stays open until the returned release is called. */
async function holding(hold: Parameters<typeof db.prisma.$transaction>[0]) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const done = db.prisma.$transaction(async (tx) => {
    await hold(tx);
    ready();
    await released;
  });
  await isReady;
  return async () => {
    release();
    await done;
  };
}

describe('advisory locks', () => {
  it('keep the keys replicas already use', () => {
    expect([
      advisoryLocks.catalogImport('dbt:shop'),
      advisoryLocks.policies,
      advisoryLocks.rules,
      advisoryLocks.mining,
      advisoryLocks.requestsOfAgent('a1'),
      advisoryLocks.requestsOfHuman('h1'),
      advisoryLocks.auditSequencer,
    ]).toEqual([
      'aperture-import:dbt:shop',
      'aperture-policies',
      'aperture-rules',
      'aperture-mining',
      'requests:agent:a1',
      'requests:human:h1',
      'aperture:audit-sequencer',
    ]);
    // Prisma Migrate's own key: its migrations and ours must never run at once.
    expect(migrationLockKey).toBe(72707369);
  });

  it('are held until the transaction ends, and another transaction cannot take them meanwhile', async () => {
    const agent = advisoryLocks.requestsOfAgent('agent-1');
    const human = advisoryLocks.requestsOfHuman('human-1');
    const release = await holding((tx) => takeAdvisoryLocks(tx, agent, human));
    expect(await heldAdvisoryKeys([agent, human, advisoryLocks.mining])).toEqual([agent, human].sort());
    expect(await db.prisma.$transaction((tx) => tryAdvisoryLock(tx, agent))).toBe(false);
    expect(await db.prisma.$transaction((tx) => tryAdvisoryLock(tx, human))).toBe(false);
    await release();
    expect(await heldAdvisoryKeys([agent, human])).toEqual([]);
    expect(await db.prisma.$transaction((tx) => tryAdvisoryLock(tx, agent))).toBe(true);
  }, 30_000);

  it('a second taker waits for the first transaction to end', async () => {
    const order: string[] = [];
    const release = await holding((tx) => takeAdvisoryLocks(tx, advisoryLocks.mining));
    const second = db.prisma.$transaction(async (tx) => {
      await takeAdvisoryLocks(tx, advisoryLocks.mining);
      order.push('second took it');
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    order.push('first ends');
    await release();
    await second;
    expect(order).toEqual(['first ends', 'second took it']);
  }, 30_000);
});
