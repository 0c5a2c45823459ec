import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { AuditSequencer } from '../../src/audit/log/audit-sequencer.ts';
import { noteSigner, parseVerifierKey, verifierKeyString } from '../../src/audit/log/signed-note.ts';
import { fileWitness } from '../../src/audit/log/witnesses.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { createTestDatabase, silentLogger, type TestDatabase } from '../support/test-database.ts';
import { expectDenseVerifiedLog, witnessedCheckpoints } from './support/log-checks.ts';
import { startReplica } from './support/replica-process.ts';

/**
 * Several replicas of the service on one PostgreSQL database, each running its sequencer with the
 * same signing key (replicas share the key file) and its own file witness: concurrent writers,
 * sequencers racing for the same rounds, and one killed in the middle of a batch.
 */

const origin = 'aperture.test/audit';
let db: TestDatabase;
let folder: string;
let keyFile: string;

beforeEach(async () => {
  db = await createTestDatabase();
  folder = await mkdtemp(path.join(tmpdir(), 'aperture-replicas-'));
  keyFile = path.join(folder, 'audit-checkpoint-key.pem');
  await writeFile(
    keyFile,
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
  );
});
afterEach(() => db.dispose());

async function verifier() {
  const signer = noteSigner(origin, await readFile(keyFile, 'utf8'));
  return parseVerifierKey(verifierKeyString(signer.name, signer.publicKey))!;
}

const replicaEnv = (name: string, extra: Record<string, string>) => ({
  DATABASE_URL: db.url,
  AUDIT_ORIGIN: origin,
  AUDIT_KEY_FILE: keyFile,
  AUDIT_WITNESS_FILE: path.join(folder, `${name}.checkpoints`),
  REPLICA_NAME: name,
  ...extra,
});

describe('audit sequencing with several replicas', () => {
  it('50 writers in two processes, each process running its sequencer, leave a dense log both witnesses verify', async () => {
    const eventsPerWriter = 20;
    const replicas = ['a', 'b'].map((name) =>
      startReplica(replicaEnv(name, { WRITERS: '25', EVENTS_PER_WRITER: String(eventsPerWriter) })),
    );
    const results = await Promise.all(replicas.map((replica) => replica.exited));
    for (const result of results) {
      expect(result, result.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({ written: 25 * eventsPerWriter });
    }
    const total = 50 * eventsPerWriter;
    const key = await verifier();
    const fromA = await witnessedCheckpoints(path.join(folder, 'a.checkpoints'), key, origin);
    const fromB = await witnessedCheckpoints(path.join(folder, 'b.checkpoints'), key, origin);
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    // Each replica's stop ran a last round that waited for the other's: nothing was left unsigned.
    await expectDenseVerifiedLog(db.prisma, total, [...fromA, ...fromB]);
    const signed = await db.prisma.auditCheckpoint.count();
    console.info(
      `two processes, 50 writers: ${total} events, ${signed} checkpoints signed, witness a holds ${fromA.length}, b ${fromB.length}`,
    );
  }, 90_000);

  it('two sequencers that both run rounds at the same time never give an index twice', async () => {
    const second = await openDatabase({ kind: 'postgres', url: db.url, poolSize: 4 });
    const signer = noteSigner(origin, await readFile(keyFile, 'utf8'));
    const sequencers = [db.prisma, second.prisma].map(
      (prisma, position) =>
        new AuditSequencer({
          prisma,
          signer,
          origin,
          witnesses: [fileWitness(path.join(folder, `leader-${position}.checkpoints`))],
          logger: silentLogger,
          checkpointMs: 100,
          batchSize: 7,
        }),
    );
    let writing = true;
    const sequenced = [0, 0];
    const rounds = sequencers.map(async (sequencer, position) => {
      while (writing) sequenced[position]! += await sequencer.runOnce();
    });
    await Promise.all(
      Array.from({ length: 20 }, async (_, writer) => {
        for (let event = 0; event < 15; event += 1)
          await recordAuditEvent(second.prisma, { type: 'test.leader-race', payload: { writer, event } });
      }),
    );
    // On a loaded machine one replica may win every round for a while: keep writing (bounded)
    // until both have led at least once, so the race is really run.
    let extra = 0;
    const deadline = Date.now() + 10_000;
    while ((sequenced[0] === 0 || sequenced[1] === 0) && Date.now() < deadline) {
      await recordAuditEvent(second.prisma, { type: 'test.leader-race', payload: { extra } });
      extra += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    writing = false;
    await Promise.all(rounds);
    for (const [position, sequencer] of sequencers.entries())
      sequenced[position]! += await sequencer.runOnce();
    await second.close();

    // Both led some rounds; together they sequenced each event exactly once.
    expect(sequenced[0]! + sequenced[1]!).toBe(300 + extra);
    expect(sequenced[0]).toBeGreaterThan(0);
    expect(sequenced[1]).toBeGreaterThan(0);
    const key = await verifier();
    const checkpoints = [
      ...(await witnessedCheckpoints(path.join(folder, 'leader-0.checkpoints'), key, origin)),
      ...(await witnessedCheckpoints(path.join(folder, 'leader-1.checkpoints'), key, origin)),
    ];
    await expectDenseVerifiedLog(db.prisma, 300 + extra, checkpoints);
    console.info(`two leaders: replica 0 sequenced ${sequenced[0]}, replica 1 ${sequenced[1]}`);
  }, 60_000);

  it('a sequencer killed in the middle of a 20,000-event batch leaves nothing half-done; another replica sequences everything', async () => {
    const waiting = 20_000;
    await db.sql.query(
      `INSERT INTO "AuditEvent" ("occurredAt", type, "actorChain", payload)
       SELECT now(), 'test.backlog', '[]'::jsonb, jsonb_build_object('n', n) FROM generate_series(1, ${waiting}) AS n`,
    );
    // The batch stays open a minute once its indexes are written: the test cannot miss the moment.
    const doomed = startReplica(
      replicaEnv('doomed', { WRITERS: '0', BATCH_SIZE: String(waiting), HOLD_BATCH_MS: '60000' }),
    );
    await doomed.ready;

    // Kill it once its batch has written the new indexes (uncommitted): the middle of the batch.
    // On a busy 2-core machine the child's first round can take well over 30 s to begin.
    await doomed.printed('"holding"', 140_000);
    const holders = await db.sql.query<{ pid: number }>(
      `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
       WHERE a.datname = current_database() AND a.state = 'idle in transaction'`,
    );
    expect(holders).toHaveLength(1);
    const backend = holders[0]!.pid;
    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    // PostgreSQL ends the backend of a closed connection and rolls its transaction back.
    while ((await db.sql.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend])).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await db.prisma.auditEvent.count({ where: { logIndex: { not: null } } })).toBe(0);
    expect(Number((await db.prisma.auditLog.findUniqueOrThrow({ where: { id: 1 } })).size)).toBe(0);
    expect(await db.prisma.auditCheckpoint.count()).toBe(0);

    const witness = path.join(folder, 'survivor.checkpoints');
    const survivor = new AuditSequencer({
      prisma: db.prisma,
      signer: noteSigner(origin, await readFile(keyFile, 'utf8')),
      origin,
      witnesses: [fileWitness(witness)],
      logger: silentLogger,
      checkpointMs: 100,
    });
    const started = performance.now();
    expect(await survivor.runOnce()).toBe(waiting);
    console.info(
      `the surviving replica sequenced ${waiting} events in ${Math.round(performance.now() - started)} ms`,
    );
    await expectDenseVerifiedLog(
      db.prisma,
      waiting,
      await witnessedCheckpoints(witness, await verifier(), origin),
    );
  }, 200_000);
});
