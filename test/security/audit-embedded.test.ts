import { generateKeyPairSync } from 'node:crypto';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { auditConfig } from '../../src/audit/log/audit-config.ts';
import { AuditLog } from '../../src/audit/log/audit-log.ts';
import { checkpointText } from '../../src/audit/log/checkpoint.ts';
import { entryLeafHash } from '../../src/audit/log/log-entry.ts';
import { subtreeRoot } from '../../src/audit/log/merkle-tree.ts';
import { noteSigner } from '../../src/audit/log/signed-note.ts';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import type { JsonValue } from '../../src/shared/json.ts';
import { runCli, startCli } from '../support/spawn-cli.ts';
import { silentLogger } from '../support/test-database.ts';

/**
 * The tampering attacks of audit-tampering.test.ts on the embedded database (PGlite): the service
 * runs on a data folder and writes events, then an insider edits a copy of the folder with SQL and
 * `aperture audit verify` (finding the default file witness in the data folder) must name the edit.
 */

const origin = 'aperture.local/audit';
let dataDir: string;
let copies: string;
/** Events the service wrote (the demo import); ours follow, one checkpoint each. */
let base = 0;
let total = 0;

const env = (folder: string) => ({
  APERTURE_DATA_DIR: folder,
  PORT: '0',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'development',
  DATABASE_URL: '',
});

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-embedded-audit-'));
  copies = await mkdtemp(path.join(tmpdir(), 'aperture-embedded-tampered-'));
  const server = await startCli({ ...env(dataDir), LOG_LEVEL: 'info' }, 120_000);
  expect(await server.stop()).toBe(0);

  // Then a few events of our own, each in its own checkpoint, signed with the folder's key and
  // witnessed in the folder's file, as the service would.
  const database = await openDatabase({ kind: 'embedded', dataDir });
  try {
    const config = auditConfig(
      { APERTURE_AUDIT_CHECKPOINT_MS: 1_000 },
      { dataDir, embedded: true, production: false, publicUrl: null },
    );
    if ('problem' in config) throw new Error(config.problem);
    const log = await AuditLog.open({ prisma: database.prisma, config, logger: silentLogger });
    base = await database.prisma.auditEvent.count();
    for (let index = 0; index < 6; index += 1) {
      await recordAuditEvent(database.prisma, {
        type: index === 2 ? 'request.approved' : 'slice.query',
        actor: { humanId: null, agentChain: ['agent-a'] },
        payload: { index, decidedBy: index === 2 ? 'dana@acme.example' : null },
      });
      await log.sequencer.runOnce();
    }
    total = await database.prisma.auditEvent.count();
  } finally {
    await database.close();
  }
}, 180_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(copies, { recursive: true, force: true });
});

/** A copy of the data folder, edited by `tamper`, then verified by the CLI. */
async function tamperAndVerify(name: string, tamper: (database: Database, folder: string) => Promise<void>) {
  const folder = path.join(copies, name);
  await cp(dataDir, folder, { recursive: true });
  const database = await openDatabase({ kind: 'embedded', dataDir: folder });
  try {
    await tamper(database, folder);
  } finally {
    await database.close();
  }
  return runCli(['audit', 'verify'], env(folder));
}

const leavesBelow = async (database: Database, size: number) =>
  (
    await database.prisma.auditEvent.findMany({
      where: { logIndex: { lt: BigInt(size) } },
      orderBy: { logIndex: 'asc' },
    })
  ).map((row) =>
    entryLeafHash({
      ...row,
      index: row.logIndex!,
      actorChain: row.actorChain as JsonValue,
      payload: row.payload as JsonValue,
    }),
  );

describe('audit tampering on the embedded database', () => {
  it('the untouched folder verifies against the witness file in it', async () => {
    expect(base).toBeGreaterThan(0);
    const run = await tamperAndVerify('untouched', async () => {});
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Audit log intact: ${total} events verified`));
  }, 120_000);

  it('rewriting who approved a request is reported at its index', async () => {
    const run = await tamperAndVerify('rewrite', (database) =>
      database.sql
        .query(
          `UPDATE "AuditEvent" SET payload = '{"index": 2, "decidedBy": "mallory@acme.test"}' WHERE "logIndex" = ${base + 2}`,
        )
        .then(() => {}),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`BROKEN at index ${base + 2}: event ${base + 2} was changed or moved`),
    );
  }, 120_000);

  it('deleting an event is reported where it is missing', async () => {
    const run = await tamperAndVerify('delete', (database) =>
      database.sql.query(`DELETE FROM "AuditEvent" WHERE "logIndex" = ${base + 1}`).then(() => {}),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`BROKEN at index ${base + 1}: event ${base + 1} is missing`));
  }, 120_000);

  it('cutting off the newest events and winding the tree and its checkpoints back is caught by the witness file', async () => {
    const keep = base + 3;
    const run = await tamperAndVerify('truncate', async (database) => {
      const root = subtreeRoot(await leavesBelow(database, keep)).toString('hex');
      await database.sql.exec(`
        DELETE FROM "AuditEvent" WHERE "logIndex" >= ${keep};
        DELETE FROM "AuditCheckpoint" WHERE size > ${keep};
        UPDATE "AuditLog" SET size = ${keep}, root = '${root}';
      `);
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `BROKEN at index ${keep}: the signed checkpoint covers ${total} events but only ${keep} are stored`,
      ),
    );
  }, 120_000);

  it('swapping two events is reported at the first of them', async () => {
    const run = await tamperAndVerify('reorder', (database) =>
      database.sql.exec(`
        UPDATE "AuditEvent" SET "logIndex" = 100000 WHERE "logIndex" = ${base + 1};
        UPDATE "AuditEvent" SET "logIndex" = ${base + 1} WHERE "logIndex" = ${base + 3};
        UPDATE "AuditEvent" SET "logIndex" = ${base + 3} WHERE "logIndex" = 100000;
      `),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`BROKEN at index ${base + 1}`));
  }, 120_000);

  it('a checkpoint forged with another key and added to the witness file is refused', async () => {
    const forger = noteSigner(
      origin,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
    const run = await tamperAndVerify('forgery', async (database, folder) => {
      await database.sql.query(`DELETE FROM "AuditEvent" WHERE "logIndex" = ${total - 1}`);
      const root = subtreeRoot(await leavesBelow(database, total - 1));
      await appendFile(
        path.join(folder, 'audit-checkpoints.log'),
        `${forger.sign(checkpointText({ origin, size: total - 1, root, time: Date.now() }))}\n`,
      );
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/checkpoints REFUSED: checkpoint \d+ of \d+ is not signed by the log's key/);
  }, 120_000);
});
