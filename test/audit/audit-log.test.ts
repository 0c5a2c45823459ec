import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditBatcher, appendAuditEvent, recordAuditEvent } from '../../src/audit/index.ts';
import { createTestDatabase, silentLogger, type TestDatabase } from '../support/test-database.ts';
import { type WitnessedAuditLog, witnessedAuditLog } from '../support/witnessed-audit-log.ts';

let db: TestDatabase;
let log: WitnessedAuditLog;
beforeAll(async () => {
  db = await createTestDatabase();
  log = await witnessedAuditLog(db.prisma);
});
afterAll(() => db.dispose());

const indexes = async () =>
  (await db.prisma.auditEvent.findMany({ orderBy: { logIndex: 'asc' } })).map((event) => event.logIndex);

describe('the audit log', () => {
  it('sequences committed events into consecutive indexes, signs a checkpoint and verifies against it', async () => {
    await recordAuditEvent(db.prisma, {
      type: 'test.first',
      payload: { b: 2, a: [1, { z: true, y: null }] },
    });
    await recordAuditEvent(db.prisma, {
      type: 'test.second',
      actor: { humanId: 'h1', agentChain: ['agent-a', 'agent-b'] },
      intent: 'analytics',
      subject: { kind: 'dataset', id: 'x' },
      policyVersion: 3,
    });
    expect(await indexes()).toEqual([null, null]);
    expect(await log.sequence()).toBe(2);
    expect(await indexes()).toEqual([0n, 1n]);
    expect(await log.verify()).toEqual({
      ok: true,
      eventsChecked: 2,
      checkpointsMatched: [2],
      unsequenced: 0,
    });
    expect(await log.sequence()).toBe(0);
    expect(await log.witnessedNotes()).toHaveLength(1);
  });

  it('takes concurrent appends from many connections without a lock, and sequences every one of them once', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        recordAuditEvent(db.prisma, { type: 'test.concurrent', payload: { index } }),
      ),
    );
    expect(await log.sequence()).toBe(40);
    expect(await indexes()).toEqual(Array.from({ length: 42 }, (_, index) => BigInt(index)));
    expect(await log.verify()).toMatchObject({ ok: true, eventsChecked: 42, checkpointsMatched: [2, 42] });
  });

  it('an event rolls back with the transaction that wrote it', async () => {
    const before = await db.prisma.auditEvent.count();
    await expect(
      db.prisma.$transaction(async (tx) => {
        await appendAuditEvent(tx, { type: 'test.rolled-back' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.prisma.auditEvent.count()).toBe(before);
    expect(await log.sequence()).toBe(0);
  });

  it('an event that commits after later ones were sequenced gets the next index: none is skipped', async () => {
    let releaseSlow!: () => void;
    const slowStarted = new Promise<void>((started) => {
      void db.prisma.$transaction(async (tx) => {
        await appendAuditEvent(tx, { type: 'test.slow' });
        started();
        await new Promise<void>((resolve) => {
          releaseSlow = resolve;
        });
      });
    });
    await slowStarted;
    await recordAuditEvent(db.prisma, { type: 'test.fast' });
    expect(await log.sequence()).toBe(1);
    releaseSlow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await log.sequence()).toBe(1);
    const last = await db.prisma.auditEvent.findMany({ orderBy: { logIndex: 'desc' }, take: 2 });
    expect(last.map((event) => [event.type, event.logIndex])).toEqual([
      ['test.slow', 43n],
      ['test.fast', 42n],
    ]);
    expect((await log.verify()).ok).toBe(true);
  });

  it('batches events that describe reads into one insert, in order, and flushes on close', async () => {
    const before = await db.prisma.auditEvent.count();
    const batcher = new AuditBatcher(db.prisma, silentLogger);
    for (let index = 0; index < 700; index += 1)
      batcher.enqueue({ type: 'test.batched', payload: { index } });
    await Promise.all([recordAuditEvent(db.prisma, { type: 'test.meanwhile' }), batcher.close()]);
    expect(await db.prisma.auditEvent.count()).toBe(before + 701);
    await log.sequence();
    const batched = await db.prisma.auditEvent.findMany({
      where: { type: 'test.batched' },
      orderBy: { logIndex: 'asc' },
    });
    expect(batched.map((event) => (event.payload as { index: number }).index)).toEqual(
      Array.from({ length: 700 }, (_, i) => i),
    );
    expect((await log.verify()).ok).toBe(true);
  });
});
