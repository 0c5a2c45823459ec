import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditBatcher, appendAuditEvent, recordAuditEvent, verifyAuditChain } from '../../src/audit/index.ts';
import { createTestDatabase, silentLogger, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());

describe('audit chain', () => {
  it('chains events and verifies them', async () => {
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
    const events = await db.prisma.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual([1n, 2n]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(await verifyAuditChain(db.prisma)).toEqual({ ok: true, eventsChecked: 2 });
  });

  it('never forks under concurrent appends from many connections', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        recordAuditEvent(db.prisma, { type: 'test.concurrent', payload: { index } }),
      ),
    );
    const result = await verifyAuditChain(db.prisma);
    expect(result.ok).toBe(true);
    expect(await db.prisma.auditEvent.count()).toBe(result.eventsChecked);
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
    expect((await verifyAuditChain(db.prisma)).ok).toBe(true);
  });

  it('names the first altered event', async () => {
    await db.sql.query(`UPDATE "AuditEvent" SET payload = '{"index": 999}' WHERE seq = 5`);
    const result = await verifyAuditChain(db.prisma);
    expect(result.ok).toBe(false);
    expect(result.brokenLink?.seq).toBe(5n);
    expect(result.brokenLink?.reason).toMatch(/altered/);
  });

  it('names a deleted event and a truncated tail', async () => {
    await db.sql.exec(
      `TRUNCATE "AuditEvent"; UPDATE "AuditChainHead" SET seq = 0, hash = '${'0'.repeat(64)}'`,
    );
    for (let index = 0; index < 5; index += 1)
      await recordAuditEvent(db.prisma, { type: 'test.again', payload: { index } });
    expect((await verifyAuditChain(db.prisma)).ok).toBe(true);

    await db.sql.query('DELETE FROM "AuditEvent" WHERE seq = 5');
    const truncated = await verifyAuditChain(db.prisma);
    expect(truncated.brokenLink?.reason).toMatch(/events after it were removed/);

    await db.sql.query('DELETE FROM "AuditEvent" WHERE seq = 3');
    const missing = await verifyAuditChain(db.prisma);
    expect(missing.brokenLink).toEqual({
      seq: 3n,
      reason: 'event 3 is missing (the next stored event is 4)',
    });
  });

  it('batches events that describe reads into one chained append, and flushes on close', async () => {
    const before = await db.prisma.auditEvent.count();
    const batcher = new AuditBatcher(db.prisma, silentLogger);
    for (let index = 0; index < 700; index += 1)
      batcher.enqueue({ type: 'test.batched', payload: { index } });
    await Promise.all([recordAuditEvent(db.prisma, { type: 'test.meanwhile' }), batcher.close()]);
    expect(await db.prisma.auditEvent.count()).toBe(before + 701);
    const batched = await db.prisma.auditEvent.findMany({
      where: { type: 'test.batched' },
      orderBy: { seq: 'asc' },
    });
    expect(batched.map((event) => (event.payload as { index: number }).index)).toEqual(
      Array.from({ length: 700 }, (_, i) => i),
    );
  });
});
