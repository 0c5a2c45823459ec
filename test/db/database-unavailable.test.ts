import { randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseUnavailableError,
  databaseUnavailable,
  unavailableReason,
} from '../../src/db/database-unavailable.ts';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import { toolError } from '../../src/mcp/tool-errors.ts';
import { ApertureError } from '../../src/shared/errors.ts';
import { startTcpFaultProxy, type TcpFaultProxy } from '../support/tcp-fault-proxy.ts';
import { adminUrl, createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * What Prisma (with @prisma/adapter-pg) and pg really throw when PostgreSQL goes away, each
 * recognised as the database being unavailable; other failures are not.
 */

/** The error `work` rejects with (fails the test if it resolves). */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let db: TestDatabase;
let proxy: TcpFaultProxy;
let proxied: Database;
let refused: Database;

beforeAll(async () => {
  db = await createTestDatabase();
  const direct = new URL(db.url);
  proxy = await startTcpFaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  proxied = await openDatabase({ kind: 'postgres', url: viaProxy.toString(), poolSize: 2 });
  const nowhere = new URL(db.url);
  nowhere.port = String(await closedPort());
  refused = await openDatabase({ kind: 'postgres', url: nowhere.toString(), poolSize: 2 });
}, 60_000);

afterAll(async () => {
  proxy?.heal();
  await proxied?.close();
  await refused?.close().catch(() => {});
  await proxy?.close();
  await db?.dispose();
});

describe('databaseUnavailable', () => {
  it('recognises a connection cut under Prisma, in and out of a transaction, and under raw SQL', async () => {
    await proxied.prisma.person.count();
    proxy.cut();
    try {
      for (const failure of [
        await failureOf(() => proxied.prisma.person.count()),
        await failureOf(() => proxied.prisma.$transaction((tx) => tx.person.count())),
        await failureOf(() => proxied.sql.query('select 1')),
      ]) {
        const unavailable = databaseUnavailable(failure);
        expect(unavailable).toBeInstanceOf(DatabaseUnavailableError);
        expect(unavailable).toMatchObject({
          code: 'UNAVAILABLE',
          message: 'The database is unavailable; retry shortly',
          retryable: true,
          retryAfterSeconds: 1,
        });
        expect(unavailable?.cause).toBe(failure);
      }
    } finally {
      proxy.heal();
    }
  });

  it('recognises a server nobody listens on (P1001, ECONNREFUSED)', async () => {
    const viaPrisma = await failureOf(() => refused.prisma.person.count());
    expect(viaPrisma).toMatchObject({ code: 'P1001' });
    expect(databaseUnavailable(viaPrisma)).toBeDefined();
    const viaPg = await failureOf(() => refused.sql.query('select 1'));
    expect(databaseUnavailable(viaPg)).toBeDefined();
    expect(unavailableReason(databaseUnavailable(viaPg)!)).toBe('ECONNREFUSED');
  });

  it('recognises a backend terminated mid-query (57P01 admin_shutdown, wrapped by Prisma)', async () => {
    const direct = await openDatabase({ kind: 'postgres', url: db.url, poolSize: 1 });
    try {
      const sleeping = failureOf(() => direct.prisma.$queryRawUnsafe('select pg_sleep(5)'));
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await expect
          .poll(async () => {
            const { rows } = await admin.query(
              `select pg_terminate_backend(pid) as ended from pg_stat_activity
               where datname = $1 and query like 'select pg_sleep%' and pid <> pg_backend_pid()`,
              [db.name],
            );
            return rows.length;
          })
          .toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      const failure = await sleeping;
      expect(failure).toMatchObject({ code: 'P2010' });
      const unavailable = databaseUnavailable(failure);
      expect(unavailable).toBeDefined();
      expect(unavailableReason(unavailable!)).toBe('57P01');
    } finally {
      await direct.close();
    }
  });

  it('leaves every other failure alone', async () => {
    const intent = () =>
      db.prisma.intent.create({
        data: { id: randomUUID(), name: 'twice', description: 'x', maxTokenLifetimeSeconds: 60 },
      });
    await intent();
    const duplicate = await failureOf(intent);
    expect(duplicate).toMatchObject({ code: 'P2002' });
    expect(databaseUnavailable(duplicate)).toBeUndefined();
    const badSql = await failureOf(() => db.sql.query('select from nowhere'));
    expect(databaseUnavailable(badSql)).toBeUndefined();
    expect(databaseUnavailable(new Error('boom'))).toBeUndefined();
    expect(databaseUnavailable(new ApertureError('NOT_FOUND', 'no such thing'))).toBeUndefined();
    // Another service refusing a connection (an identity provider, Slack) is its outage, not the database's.
    const nobody = await closedPort();
    const otherService = await failureOf(() => fetch(`http://127.0.0.1:${nobody}/`));
    expect(otherService).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    expect(databaseUnavailable(otherService)).toBeUndefined();
  });

  it('makes an MCP tool error the agent reads as retryable', async () => {
    proxy.cut();
    const failure = await failureOf(() => proxied.prisma.person.count());
    proxy.heal();
    const { result, expected, retryable } = toolError(failure, 'req-1');
    expect({ expected, retryable }).toEqual({ expected: true, retryable: true });
    expect(result).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'UNAVAILABLE: The database is unavailable; retry shortly' }],
      structuredContent: {
        error: {
          code: 'UNAVAILABLE',
          message: 'The database is unavailable; retry shortly',
          retryable: true,
        },
      },
    });
  });
});
