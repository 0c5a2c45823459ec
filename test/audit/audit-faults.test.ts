import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService } from '../../src/app/start-service.ts';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { AuditSequencer } from '../../src/audit/log/audit-sequencer.ts';
import { parseCheckpointText } from '../../src/audit/log/checkpoint.ts';
import { openNote } from '../../src/audit/log/signed-note.ts';
import { fileWitness } from '../../src/audit/log/witnesses.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  testAuditOrigin,
  type WitnessedAuditLog,
  witnessedAuditLog,
} from '../support/witnessed-audit-log.ts';
import { captureLogger } from './support/capture-logger.ts';
import { expectDenseVerifiedLog, witnessedCheckpoints } from './support/log-checks.ts';

/** Faults around one sequencer: its database connections cut, a witness down, a clock behind. */

let db: TestDatabase;
let log: WitnessedAuditLog;
beforeEach(async () => {
  db = await createTestDatabase();
  log = await witnessedAuditLog(db.prisma);
});
afterEach(() => db.dispose());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('audit sequencer faults', () => {
  it('recovers when its database connections are terminated during rounds (as in a database restart): warns, retries, loses nothing', async () => {
    const url = new URL(db.url);
    url.searchParams.set('application_name', 'aperture-audit-sequencer');
    const own = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
    const { logger, lines } = captureLogger();
    const sequencer = new AuditSequencer({
      prisma: own.prisma,
      signer: log.signer,
      origin: testAuditOrigin,
      witnesses: [fileWitness(log.witnessFile)],
      logger,
      checkpointMs: 100,
      batchSize: 10,
    });
    sequencer.start();
    let cutting = true;
    let terminated = 0;
    const cutter = (async () => {
      while (cutting) {
        const cut = await db.sql.query<{ pid: number }>(
          `SELECT pg_terminate_backend(pid), pid FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'aperture-audit-sequencer'`,
        );
        terminated += cut.length;
        await sleep(40);
      }
    })();
    await Promise.all(
      Array.from({ length: 10 }, async (_, writer) => {
        for (let event = 0; event < 20; event += 1) {
          await recordAuditEvent(db.prisma, { type: 'test.while-cut', payload: { writer, event } });
          await sleep(100);
        }
      }),
    );
    cutting = false;
    await cutter;
    const cutAt = Date.now();
    await until(
      async () => (await db.prisma.auditEvent.count({ where: { logIndex: null } })) === 0,
      20_000,
      'the sequencer to catch up after the cuts',
    );
    const caughtUpMs = Date.now() - cutAt;
    await sequencer.stop();
    await own.close();

    expect(terminated).toBeGreaterThan(0);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toContain('audit sequencing failed; retrying');
    expect(lines.filter((line) => line.level > 40)).toEqual([]);
    await expectDenseVerifiedLog(
      db.prisma,
      200,
      await witnessedCheckpoints(log.witnessFile, log.verifier, testAuditOrigin),
    );
    console.info(
      `connections cut ${terminated} times; ${warnings.length} warnings; caught up ${caughtUpMs} ms after the last cut`,
    );
  }, 60_000);

  it('a sequencer whose clock is an hour behind never signs a checkpoint dated before the last one', async () => {
    const hour = 3_600_000;
    const sequencerWith = (now: () => number) =>
      new AuditSequencer({
        prisma: db.prisma,
        signer: log.signer,
        origin: testAuditOrigin,
        witnesses: [fileWitness(log.witnessFile)],
        logger: captureLogger().logger,
        checkpointMs: 100,
        now,
      });
    const onTime = sequencerWith(Date.now);
    const behind = sequencerWith(() => Date.now() - hour);
    for (const sequencer of [onTime, behind, behind, onTime, behind]) {
      await recordAuditEvent(db.prisma, { type: 'test.skew' });
      await sequencer.runOnce();
    }
    const checkpoints = await witnessedCheckpoints(log.witnessFile, log.verifier, testAuditOrigin);
    expect(checkpoints.map((checkpoint) => checkpoint.size)).toEqual([1, 2, 3, 4, 5]);
    const times = checkpoints.map((checkpoint) => checkpoint.time);
    // The late replica signs with the last time the log holds, not its own clock.
    expect(times[1]).toBe(times[0]);
    expect(times[2]).toBe(times[0]);
    expect(times[3]).toBeGreaterThanOrEqual(times[2]!);
    expect(times[4]).toBe(times[3]);
    expect(times.every((time) => time > Date.now() - hour / 2)).toBe(true);
    await expectDenseVerifiedLog(db.prisma, 5, checkpoints);
  });

  it('a witness answering 503 is retried with backoff while the service keeps running; health says so; it ends with the newest checkpoint', async () => {
    let down = true;
    const received: { at: number; status: number; note: string }[] = [];
    const witness = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const status = down ? 503 : 200;
        received.push({ at: Date.now(), status, note: body });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => witness.listen(0, '127.0.0.1', resolve));
    const witnessUrl = `http://127.0.0.1:${(witness.address() as AddressInfo).port}/checkpoints`;
    const { logger, lines } = captureLogger();
    const service = await startService(
      loadConfig({
        DATABASE_URL: db.url,
        PORT: '0',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        APERTURE_SEED_DEMO: 'false',
        APERTURE_IDENTITY_PROVIDERS: '[]',
        ...log.env,
        APERTURE_AUDIT_WITNESSES: witnessUrl,
        APERTURE_AUDIT_CHECKPOINT_MS: '200',
      }),
      logger,
    );
    const witnessesOk = async () =>
      (
        await graphql<{ health: { auditWitnessesOk: boolean } }>(
          service.graphqlUrl,
          '{ health { auditWitnessesOk } }',
        )
      ).data!.health.auditWitnessesOk;
    try {
      await recordAuditEvent(db.prisma, { type: 'test.witness-down', payload: { n: 1 } });
      await until(async () => received.length >= 3, 20_000, 'three attempts at the witness');
      expect(await witnessesOk()).toBe(false);
      // More events while the witness is down: the service goes on sequencing and answering.
      await recordAuditEvent(db.prisma, { type: 'test.witness-down', payload: { n: 2 } });
      await until(
        async () => (await db.prisma.auditEvent.count({ where: { logIndex: null } })) === 0,
        5_000,
        'sequencing while the witness is down',
      );
      down = false;
      await until(async () => received.at(-1)?.status === 200, 20_000, 'the witness to take a checkpoint');
      await until(witnessesOk, 5_000, 'health to say the witnesses are ok');
    } finally {
      await service.stop();
      await new Promise((resolve) => witness.close(resolve));
    }
    const failed = received.filter((attempt) => attempt.status === 503);
    const gaps = failed.slice(1).map((attempt, position) => attempt.at - failed[position]!.at);
    // 500 ms × 2^failures: about 1 s, then 2 s, then 4 s between attempts.
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_900);
    const newest = await db.prisma.auditCheckpoint.findFirstOrThrow({ orderBy: { size: 'desc' } });
    const last = received.filter((attempt) => attempt.status === 200).at(-1)!;
    const opened = openNote(last.note, log.verifier);
    expect(opened.verified).toBe(true);
    expect(parseCheckpointText(opened.text)!.size).toBe(Number(newest.size));
    expect(last.note).toBe(newest.note);
    const warnings = lines.filter((line) =>
      line.msg.startsWith('an audit witness did not take the checkpoint'),
    );
    expect(warnings.length).toBe(failed.length);
    console.info(
      `witness down: ${failed.length} failed attempts, gaps ${gaps.join(', ')} ms; recovered with size ${newest.size}`,
    );
  }, 60_000);
});
