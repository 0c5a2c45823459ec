import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeChannel, openPostgresChangeFeed } from '../../src/db/change-feed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());

async function listenerBackends(): Promise<number[]> {
  const rows = await db.sql.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'aperture-change-feed'`,
  );
  return rows.map((row) => row.pid);
}

describe('change feed (LISTEN/NOTIFY)', () => {
  it('delivers notifications, and after its connection is killed is unreliable until it reconnects, once', async () => {
    const feed = await openPostgresChangeFeed(db.url);
    try {
      const topics: (string | undefined)[] = [];
      feed.subscribe((topic) => topics.push(topic));
      await db.sql.query('SELECT pg_notify($1, $2)', [changeChannel, 'identity']);
      await expect.poll(() => topics).toContain('identity');
      expect(feed.reliable).toBe(true);

      for (let round = 0; round < 3; round += 1) {
        const [pid] = await listenerBackends();
        expect(pid).toBeDefined();
        await db.sql.query('SELECT pg_terminate_backend($1)', [pid]);
        await expect.poll(() => feed.reliable, { timeout: 5_000 }).toBe(false);
        await expect.poll(() => feed.reliable, { timeout: 10_000 }).toBe(true);
      }
      // Everything was invalidated on every loss and reconnect, and exactly one listener remains.
      expect(topics.filter((topic) => topic === undefined).length).toBeGreaterThanOrEqual(6);
      await expect.poll(async () => (await listenerBackends()).length, { timeout: 5_000 }).toBe(1);
      await db.sql.query('SELECT pg_notify($1, $2)', [changeChannel, 'people']);
      await expect.poll(() => topics).toContain('people');
    } finally {
      await feed.close();
    }
  });
});
