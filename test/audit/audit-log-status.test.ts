import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { AuditLogStatus, verificationTtlMs } from '../../src/audit/log/audit-log-status.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  testAuditOrigin,
  type WitnessedAuditLog,
  witnessedAuditLog,
} from '../support/witnessed-audit-log.ts';

/**
 * The audit log's status for the console: its size, newest checkpoint and a verification that
 * reads the whole log, so is reused for a minute; an edit is reported once that minute is over.
 */

let db: TestDatabase;
let log: WitnessedAuditLog;
let clock = Date.parse('2026-01-01T00:00:00Z');
let status: AuditLogStatus;

beforeAll(async () => {
  db = await createTestDatabase();
  log = await witnessedAuditLog(db.prisma);
  for (let index = 0; index < 4; index += 1) {
    await recordAuditEvent(db.prisma, {
      type: 'slice.query',
      actor: { humanId: '00000001-0000-4000-8000-000000000000', agentChain: [] },
      payload: { index },
    });
    await log.sequence();
  }
  status = new AuditLogStatus(db.prisma, testAuditOrigin, log.publicKey, [log.witnessFile], () => clock);
});
afterAll(() => db?.dispose());

describe('AuditLogStatus', () => {
  it('tells the size and the newest checkpoint, signed by the key it names', async () => {
    expect(await status.size()).toBe(4);
    const latest = await status.latestCheckpoint();
    expect(latest).toEqual({
      size: 4,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      signedAt: expect.any(Date),
      note: (await log.witnessedNotes()).at(-1),
      verifierKey: log.publicKey,
    });
  });

  it('verifies an untouched log against the witness file', async () => {
    expect(await status.verification()).toEqual({
      ok: true,
      checkedSize: 4,
      problems: [],
      verifiedAt: new Date(clock),
    });
  });

  it('reuses the result within the minute, then reports an edit at its index', async () => {
    await db.sql.query(`UPDATE "AuditEvent" SET payload = '{"index": 9}' WHERE "logIndex" = 1`);
    clock += verificationTtlMs - 1;
    expect((await status.verification()).ok).toBe(true);
    clock += 1;
    expect(await status.verification()).toEqual({
      ok: false,
      checkedSize: 1,
      problems: [
        'event 1 was changed or moved after it was sequenced (its content no longer matches its leaf)',
      ],
      verifiedAt: new Date(clock),
    });
  });

  it('a checkpoint in the witness file the key did not sign is a problem, not a checkpoint', async () => {
    const forged = new AuditLogStatus(
      db.prisma,
      testAuditOrigin,
      (await witnessedAuditLog(db.prisma)).publicKey,
      [log.witnessFile],
      () => clock,
    );
    const report = await forged.verification();
    expect(report.ok).toBe(false);
    expect(report.checkedSize).toBe(0);
    expect(report.problems).toEqual([expect.stringMatching(/is not signed by the log's key/)]);
  });
});
