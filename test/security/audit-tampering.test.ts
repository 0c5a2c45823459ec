import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashEvent, recordAuditEvent, verifyAuditChain } from '../../src/audit/index.ts';
import type { JsonValue } from '../../src/shared/json.ts';
import { type CliRun, runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * An insider with write access to the database edits the audit trail with SQL. Verification
 * (`aperture audit verify`, and the function it runs) must notice every edit below and name the
 * first event that no longer holds.
 * (Cutting off the newest events together with the head is not detected by the hash chain; the
 * Merkle log with checkpoints held by witnesses is what closes that.)
 */

let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
  for (let index = 1; index <= 6; index += 1) {
    await recordAuditEvent(db.prisma, {
      type: index === 3 ? 'request.approved' : 'slice.query',
      actor: { humanId: `0000000${index}-0000-4000-8000-000000000000`, agentChain: ['agent-a'] },
      intent: 'analytics',
      subject: { kind: 'request', id: `request-${index}` },
      payload: { index, decidedBy: index === 3 ? 'dana@shop.example' : null },
      policyVersion: 1,
    });
  }
});
afterEach(() => db.dispose());

const verifyWithCli = (): Promise<CliRun> =>
  runCli(['audit', 'verify'], { DATABASE_URL: db.url, NODE_ENV: 'test', LOG_LEVEL: 'silent' });

/** Verification fails and names `event` as the first broken link. */
async function expectBrokenAt(event: number) {
  const result = await verifyAuditChain(db.prisma);
  expect(result.ok).toBe(false);
  expect(result.brokenLink?.seq).toBe(BigInt(event));
}

describe('audit tampering', () => {
  it('an untouched log verifies (the edits below are what breaks it)', async () => {
    expect(await verifyAuditChain(db.prisma)).toEqual({ ok: true, eventsChecked: 6 });
  });

  it('rewriting who approved a request (the payload) is reported by `aperture audit verify` at that event', async () => {
    await db.sql.query(
      `UPDATE "AuditEvent" SET payload = '{"index": 3, "decidedBy": "mallory@acme.test"}' WHERE seq = 3`,
    );
    const run = await verifyWithCli();
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/BROKEN at event 3\b/);
  });

  it('rewriting the acting human of an event is detected at that event', async () => {
    await db.sql.query(
      `UPDATE "AuditEvent" SET "actorHumanId" = '00000009-0000-4000-8000-000000000000' WHERE seq = 2`,
    );
    await expectBrokenAt(2);
  });

  it('rewriting an event and recomputing its own hash is detected at the next event', async () => {
    const [event] = await db.prisma.auditEvent.findMany({ where: { seq: 4n } });
    const forged = {
      ...event!,
      actorChain: event!.actorChain as JsonValue,
      payload: { index: 4, forged: true },
    };
    await db.prisma.auditEvent.update({
      where: { seq: 4n },
      data: { payload: forged.payload, hash: hashEvent(forged) },
    });
    await expectBrokenAt(5);
  });

  it('deleting an event in the middle is detected where it is missing', async () => {
    await db.sql.query('DELETE FROM "AuditEvent" WHERE seq = 3');
    await expectBrokenAt(3);
  });

  it('deleting an event and renumbering the rest to close the gap is detected', async () => {
    await db.sql.exec(`
      DELETE FROM "AuditEvent" WHERE seq = 3;
      UPDATE "AuditEvent" SET seq = seq - 1 WHERE seq > 3;
    `);
    await expectBrokenAt(3);
  });

  it('swapping the order of two events is detected at the first of them', async () => {
    await db.sql.exec(`
      UPDATE "AuditEvent" SET seq = 100 WHERE seq = 2;
      UPDATE "AuditEvent" SET seq = 2 WHERE seq = 4;
      UPDATE "AuditEvent" SET seq = 4 WHERE seq = 100;
    `);
    await expectBrokenAt(2);
  });

  it('backdating an event (its time) is detected at that event', async () => {
    await db.sql.query(`UPDATE "AuditEvent" SET "occurredAt" = '2020-01-01T00:00:00Z' WHERE seq = 5`);
    await expectBrokenAt(5);
  });
});
