import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { checkpointText } from '../../src/audit/log/checkpoint.ts';
import { entryLeafHash } from '../../src/audit/log/log-entry.ts';
import { subtreeRoot } from '../../src/audit/log/merkle-tree.ts';
import { noteSigner } from '../../src/audit/log/signed-note.ts';
import type { JsonValue } from '../../src/shared/json.ts';
import { type CliRun, runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  testAuditOrigin,
  type WitnessedAuditLog,
  witnessedAuditLog,
} from '../support/witnessed-audit-log.ts';

/**
 * An insider with write access to the database edits the audit trail with SQL. `aperture audit
 * verify`, checking the stored events against the signed checkpoints a witness holds outside the
 * database, must notice every edit and name the first index that no longer holds. The log is
 * sequenced after each event, so every event has its own witnessed checkpoint.
 */

let db: TestDatabase;
let log: WitnessedAuditLog;

beforeEach(async () => {
  db = await createTestDatabase();
  log = await witnessedAuditLog(db.prisma);
  for (let index = 0; index < 6; index += 1) {
    await recordAuditEvent(db.prisma, {
      type: index === 2 ? 'request.approved' : 'slice.query',
      actor: { humanId: `0000000${index}-0000-4000-8000-000000000000`, agentChain: ['agent-a'] },
      intent: 'analytics',
      subject: { kind: 'request', id: `request-${index}` },
      payload: { index, decidedBy: index === 2 ? 'dana@shop.example' : null },
      policyVersion: 1,
    });
    await log.sequence();
  }
});
afterEach(() => db.dispose());

const verifyWithCli = (extra: string[] = []): Promise<CliRun> =>
  runCli(['audit', 'verify', ...extra], {
    DATABASE_URL: db.url,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...log.env,
  });

/** Verification fails and names `index` as the first index that does not hold. */
async function expectBrokenAt(index: number, reason?: RegExp) {
  const result = await log.verify();
  expect(result.ok).toBe(false);
  expect(result.problem?.index).toBe(BigInt(index));
  if (reason) expect(result.problem?.reason).toMatch(reason);
}

describe('audit tampering, detected against witnessed checkpoints', () => {
  it('an untouched log verifies (the edits below are what breaks it)', async () => {
    const run = await verifyWithCli();
    expect(run.stdout).toMatch(
      /Audit log intact: 6 events verified; consistent with 6 signed checkpoints up to size 6/,
    );
    expect(run.exitCode).toBe(0);
  });

  it('rewriting who approved a request (the payload) is reported by `aperture audit verify` at that index', async () => {
    await db.sql.query(
      `UPDATE "AuditEvent" SET payload = '{"index": 2, "decidedBy": "mallory@acme.test"}' WHERE "logIndex" = 2`,
    );
    const run = await verifyWithCli();
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/BROKEN at index 2: event 2 was changed or moved/);
  });

  it('rewriting the acting human of an event is detected at that index', async () => {
    await db.sql.query(
      `UPDATE "AuditEvent" SET "actorHumanId" = '00000009-0000-4000-8000-000000000000' WHERE "logIndex" = 1`,
    );
    await expectBrokenAt(1, /changed or moved/);
  });

  it('rewriting an event and recomputing its recorded leaf hash is caught by the checkpoint that covered it', async () => {
    const event = await db.prisma.auditEvent.findUniqueOrThrow({ where: { logIndex: 3n } });
    const payload = { index: 3, forged: true };
    const leaf = entryLeafHash({
      ...event,
      index: 3n,
      actorChain: event.actorChain as JsonValue,
      payload,
    });
    await db.prisma.auditEvent.update({
      where: { logIndex: 3n },
      data: { payload, leafHash: leaf.toString('hex') },
    });
    await expectBrokenAt(3, /no longer hash to the signed checkpoint of size 4/);
  });

  it('deleting an event in the middle is detected where it is missing', async () => {
    await db.sql.query('DELETE FROM "AuditEvent" WHERE "logIndex" = 2');
    await expectBrokenAt(2, /event 2 is missing/);
  });

  it('deleting an event and renumbering the rest to close the gap is detected', async () => {
    await db.sql.exec(`
      DELETE FROM "AuditEvent" WHERE "logIndex" = 2;
      UPDATE "AuditEvent" SET "logIndex" = "logIndex" - 1 WHERE "logIndex" > 2;
    `);
    await expectBrokenAt(2);
  });

  it('swapping the order of two events is detected at the first of them', async () => {
    await db.sql.exec(`
      UPDATE "AuditEvent" SET "logIndex" = 100 WHERE "logIndex" = 1;
      UPDATE "AuditEvent" SET "logIndex" = 1 WHERE "logIndex" = 3;
      UPDATE "AuditEvent" SET "logIndex" = 3 WHERE "logIndex" = 100;
    `);
    await expectBrokenAt(1);
  });

  it('backdating an event (its time) is detected at that index', async () => {
    await db.sql.query(`UPDATE "AuditEvent" SET "occurredAt" = '2020-01-01T00:00:00Z' WHERE "logIndex" = 4`);
    await expectBrokenAt(4);
  });

  it('cutting off the newest events and winding the tree and its checkpoints back is detected by the witness', async () => {
    const rows = await db.prisma.auditEvent.findMany({
      where: { logIndex: { lt: 4n } },
      orderBy: { logIndex: 'asc' },
    });
    const leaves = rows.map((row) =>
      entryLeafHash({
        ...row,
        index: row.logIndex!,
        actorChain: row.actorChain as JsonValue,
        payload: row.payload as JsonValue,
      }),
    );
    await db.sql.exec(`
      DELETE FROM "AuditEvent" WHERE "logIndex" >= 4;
      DELETE FROM "AuditCheckpoint" WHERE size > 4;
      UPDATE "AuditLog" SET size = 4, root = '${subtreeRoot(leaves).toString('hex')}';
    `);
    const run = await verifyWithCli();
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /BROKEN at index 4: the signed checkpoint covers 6 events but only 4 are stored/,
    );
  });

  it('a checkpoint re-signed by anyone without the log key is refused, even when the log matches it', async () => {
    const forger = noteSigner(
      testAuditOrigin,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
    await db.sql.query('DELETE FROM "AuditEvent" WHERE "logIndex" = 5');
    const rows = await db.prisma.auditEvent.findMany({ orderBy: { logIndex: 'asc' } });
    const leaves = rows.map((row) =>
      entryLeafHash({
        ...row,
        index: row.logIndex!,
        actorChain: row.actorChain as JsonValue,
        payload: row.payload as JsonValue,
      }),
    );
    const forged = `${log.witnessFile}.forged`;
    await writeFile(
      forged,
      forger.sign(
        checkpointText({ origin: testAuditOrigin, size: 5, root: subtreeRoot(leaves), time: Date.now() }),
      ),
    );
    const run = await verifyWithCli(['--checkpoint', forged]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/checkpoints REFUSED: checkpoint 1 of 1 is not signed by the log's key/);
  });
});
