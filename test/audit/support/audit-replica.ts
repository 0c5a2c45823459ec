/**
 * One replica of the audit log in a process of its own, as the multi-process fault tests run it
 * (`node --import tsx test/audit/support/audit-replica.ts`). Configured by environment:
 * - DATABASE_URL, AUDIT_KEY_FILE (shared by every replica, as in production), AUDIT_WITNESS_FILE
 *   (this replica's own witness file), AUDIT_ORIGIN;
 * - WRITERS and EVENTS_PER_WRITER: concurrent writers appending events (0: only sequence);
 * - BATCH_SIZE: the sequencer's batch size;
 * - HOLD_BATCH_MS: how long each batch stays open after its new indexes are written (the
 *   checkpoint is signed then), so a test can kill the replica in the middle of a batch for sure;
 *   it prints `{"holding": name}` as the hold begins.
 * It runs its sequencer while the writers write, stops it (a last round), prints one JSON line
 * `{"written": n}` and exits. With WRITERS=0 it sequences until killed.
 */
import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { recordAuditEvent } from '../../../src/audit/index.ts';
import { AuditSequencer } from '../../../src/audit/log/audit-sequencer.ts';
import { noteSigner } from '../../../src/audit/log/signed-note.ts';
import { fileWitness } from '../../../src/audit/log/witnesses.ts';
import { openDatabase } from '../../../src/db/open-database.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const replica = process.env.REPLICA_NAME ?? `replica-${process.pid}`;
const writers = Number(process.env.WRITERS ?? '0');
const eventsPerWriter = Number(process.env.EVENTS_PER_WRITER ?? '0');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));

const database = await openDatabase({ kind: 'postgres', url: env('DATABASE_URL'), poolSize: 8 }, logger);
const origin = env('AUDIT_ORIGIN');
const signer = noteSigner(origin, await readFile(env('AUDIT_KEY_FILE'), 'utf8'));
const holdBatchMs = Number(process.env.HOLD_BATCH_MS ?? '0');
const sequencer = new AuditSequencer({
  prisma: database.prisma,
  signer:
    holdBatchMs > 0
      ? {
          ...signer,
          sign(text) {
            // Says so (synchronously: the wait below blocks the event loop), then blocks this
            // process with the batch's transaction open, as a slow replica would.
            writeSync(1, `${JSON.stringify({ holding: replica })}\n`);
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, holdBatchMs);
            return signer.sign(text);
          },
        }
      : signer,
  origin,
  witnesses: [fileWitness(env('AUDIT_WITNESS_FILE'))],
  logger,
  checkpointMs: 100,
  batchSize: Number(process.env.BATCH_SIZE ?? '5000'),
});
sequencer.start();
process.stdout.write(`${JSON.stringify({ ready: replica })}\n`);

if (writers === 0) {
  // Only a sequencer: runs until the test kills it. The sequencer's timer is unref'd (it never
  // keeps a service alive), so this process holds itself open; a bare pending promise would let
  // Node exit before the first round whenever that round's timer had not fired yet.
  setInterval(() => {}, 60_000);
  await new Promise(() => {});
}

let written = 0;
await Promise.all(
  Array.from({ length: writers }, async (_, writer) => {
    for (let event = 0; event < eventsPerWriter; event += 1) {
      await recordAuditEvent(database.prisma, {
        type: 'test.concurrent-writer',
        actor: { humanId: null, agentChain: [`${replica}-writer-${writer}`] },
        payload: { replica, writer, event },
      });
      written += 1;
    }
  }),
);
await sequencer.stop();
await database.close();
process.stdout.write(`${JSON.stringify({ written })}\n`);
