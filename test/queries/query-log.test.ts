import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureQueries } from '../support/query-log.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.dispose();
});

describe('the query log', () => {
  it('holds what the captured work sent, work it left running included, and nothing else', async () => {
    // Work that is not the capture's, all along (a job worker polling, a cache reloading).
    const background = setInterval(() => void db.sql.query('SELECT 3 AS outside'), 10);
    const { statements } = await captureQueries(async () => {
      await db.prisma.person.count();
      await db.sql.query('SELECT 1 AS inside');
      // Left running when the work returns, as an audit batch is: still the work's.
      setTimeout(() => void db.sql.query('SELECT 2 AS later'), 50);
    }).finally(() => clearInterval(background));
    expect(statements).toEqual([
      expect.stringMatching(/^SELECT COUNT\(\*\) .*"Person"/),
      'SELECT 1 AS inside',
      'SELECT 2 AS later',
    ]);
  });

  it('holds the statements of a transaction on one connection, in order', async () => {
    const { statements } = await captureQueries(() =>
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(42)`;
        return tx.person.findMany({ take: 1 });
      }),
    );
    expect(statements).toEqual([
      'BEGIN',
      'SELECT pg_advisory_xact_lock(42)',
      expect.stringMatching(/FROM "public"."Person"/),
      'COMMIT',
    ]);
  });
});
