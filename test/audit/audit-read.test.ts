import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/index.ts';
import { entryLeafHash } from '../../src/audit/log/log-entry.ts';
import {
  AuditEventReader,
  type AuditExportRow,
  exportBatches,
  parseExportRange,
} from '../../src/audit/read/index.ts';
import type { PrismaClient } from '../../src/db/open-database.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { type WitnessedAuditLog, witnessedAuditLog } from '../support/witnessed-audit-log.ts';

/**
 * Reading the log outside GraphQL: the reader lists events the sequencer has not reached yet,
 * and `aperture audit export` writes the sequenced log as JSON lines a SIEM can check line by line.
 */

let db: TestDatabase;
let log: WitnessedAuditLog;
const largeLog = 5_000;

const cliEnv = () => ({ DATABASE_URL: db.url, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...log.env });
const exportCli = (...args: string[]) => runCli(['audit', 'export', ...args], cliEnv());
const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditExportRow);

async function sequenceAll(): Promise<void> {
  while ((await db.prisma.auditEvent.count({ where: { logIndex: null } })) > 0) await log.sequence();
}

beforeAll(async () => {
  db = await createTestDatabase();
  log = await witnessedAuditLog(db.prisma);
  await db.prisma.$transaction((tx) =>
    appendAuditEvents(
      tx,
      Array.from({ length: largeLog }, (_, index) => ({
        type: index % 2 === 0 ? 'test.even' : 'test.odd',
        actor: { humanId: `human-${index % 7}`, agentChain: ['agent-outer', `agent-${index % 3}`] },
        intent: 'analytics',
        subject: { kind: 'dataset', id: `analytics.t${index % 11}` },
        payload: { index, note: 'ünïcödé, "quotes", \n newline' },
        policyVersion: 3,
      })),
    ),
  );
  // Spread the events over 50 days (before sequencing: the leaves cover occurredAt).
  await db.prisma.$executeRaw`
    UPDATE "AuditEvent" SET "occurredAt" = timestamptz '2026-10-01T00:00:00Z' + (id - 1) * interval '864 seconds'`;
  await sequenceAll();
}, 60_000);

afterAll(async () => {
  await db?.dispose();
});

describe('the reader', () => {
  it('lists an event before the sequencer reaches it (newest first, no index yet), and with its index after', async () => {
    await db.prisma.$transaction((tx) => appendAuditEvents(tx, [{ type: 'test.waiting' }]));
    const reader = new AuditEventReader(db.prisma);
    const [waiting] = await reader.page({}, { limit: 1, inverted: false });
    expect(waiting).toMatchObject({ type: 'test.waiting', index: null, leafHash: null });
    await sequenceAll();
    const [sequenced] = await reader.page({}, { limit: 1, inverted: false });
    expect(sequenced).toMatchObject({ id: waiting!.id, index: BigInt(largeLog) });
    expect(sequenced!.leafHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('aperture audit export', () => {
  it(`writes a ${largeLog}-event log as JSON lines, oldest first, each recomputing its leaf hash`, async () => {
    const run = await exportCli('--since', '0', '--until', String(largeLog));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const rows = lines(run.stdout);
    expect(rows.map((row) => row.index)).toEqual(Array.from({ length: largeLog }, (_, index) => index));
    expect(Object.keys(rows[0]!)).toEqual([
      'index',
      'id',
      'occurredAt',
      'type',
      'actorHumanId',
      'actorChain',
      'intent',
      'subjectKind',
      'subjectId',
      'policyVersion',
      'payload',
      'leafHash',
    ]);
    expect(rows[1]).toEqual({
      index: 1,
      id: '2',
      occurredAt: '2026-10-01T00:14:24.000Z',
      type: 'test.odd',
      actorHumanId: 'human-1',
      actorChain: ['agent-outer', 'agent-1'],
      intent: 'analytics',
      subjectKind: 'dataset',
      subjectId: 'analytics.t1',
      policyVersion: 3,
      payload: { index: 1, note: 'ünïcödé, "quotes", \n newline' },
      leafHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The round trip a SIEM can make: each line alone gives back the bytes its leaf covers.
    for (const row of rows) {
      const leaf = entryLeafHash({ ...row, index: BigInt(row.index), occurredAt: new Date(row.occurredAt) });
      expect(leaf.toString('hex'), `line of index ${row.index}`).toBe(row.leafHash);
    }
  });

  it('refuses bad input with exit 2 and one line, no stack (every refusal: export ranges below)', async () => {
    const run = await exportCli('--since', 'yesterday', '--until', 'tomorrow');
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'error: --since "yesterday" is neither a log index (0, 1, 2, ...) nor an ISO 8601 time with an offset (2026-12-01T00:00:00Z) or a date (2026-12-01)\n',
    );
  });

  it('ends quietly when the reader stops reading (| head)', async () => {
    const child = spawn(
      process.execPath,
      [path.resolve('bin/aperture.mjs'), 'audit', 'export', '--since', '0'],
      {
        env: { ...process.env, ...cliEnv() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const exitCode = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
  });
});

/** What the export writes for a range, as the CLI would read `--since` and `--until`. */
async function exportedIndexes(since: string, until?: string): Promise<number[]> {
  const indexes: number[] = [];
  for await (const batch of exportBatches(db.prisma, parseExportRange(since, until))) {
    indexes.push(...batch.map((row) => row.index));
  }
  return indexes;
}

describe('export ranges', () => {
  it('exports from an index or from a time, up to (not including) an index or a time', async () => {
    expect(await exportedIndexes('4990', '4995')).toEqual([4990, 4991, 4992, 4993, 4994]);
    // 100 events a day from 2026-10-01: the 11th day holds indexes 1000..1099.
    expect(await exportedIndexes('2026-10-11', '2026-10-12T00:00:00Z')).toEqual(
      Array.from({ length: 100 }, (_, index) => 1000 + index),
    );
    // 23:00 on the 50th day is 4995.8 events in: the first event at or after it is index 4996.
    expect(await exportedIndexes('2026-11-19T23:00:00+00:00', '4999')).toEqual([4996, 4997, 4998]);
  });

  it('resumes where the last export stopped: since the last index + 1', async () => {
    const first = await exportedIndexes('4998');
    expect(first).toEqual([4998, 4999, 5000]);
    expect(await exportedIndexes(String(first.at(-1)! + 1))).toEqual([]);
  });

  it.each([
    [['yesterday', undefined], '--since: "yesterday" is neither a log index'],
    [['-1', undefined], '--since: "-1" is neither a log index'],
    [['2026-10-01T00:00:00', undefined], 'is neither a log index'],
    [['0', '2026-13-01'], '--until: "2026-13-01" is neither'],
    [['99999999999999999999', undefined], 'is neither a log index'],
    [[undefined, undefined], '--since: is required'],
  ] as const)('refuses %j as INVALID_INPUT naming the option', ([since, until], message) => {
    expect(() => parseExportRange(since, until)).toThrow(message);
  });
});

describe('export batches', () => {
  it('reads one batch at a time: a consumer that stops after one batch caused one query', async () => {
    let queries = 0;
    const counting = {
      auditEvent: {
        findMany: (args: Parameters<PrismaClient['auditEvent']['findMany']>[0]) => {
          queries += 1;
          return db.prisma.auditEvent.findMany(args);
        },
      },
    } as unknown as PrismaClient;
    const sizes: number[] = [];
    for await (const batch of exportBatches(counting, parseExportRange('0', String(largeLog)), 1_000)) {
      sizes.push(batch.length);
      if (sizes.length === 1) expect(queries).toBe(1);
    }
    expect(sizes).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    // The fifth batch was full, so one more (empty) query found the end.
    expect(queries).toBe(6);
  });
});
