/**
 * A writer process of `npm run bench:audit` (bench/audit-bench.ts spawns two): `writers` concurrent
 * writers append audit events, each in a transaction of its own, for `seconds` after the parent
 * says "go" on stdin. Every event carries a unique subject id (`bench:<run>`, `<tag>:<writer>:<n>`),
 * and the writer records the wall-clock time at which its commit was acknowledged, so the parent can
 * match each event to the first checkpoint that covers its log index.
 *
 * Variants: `record` uses recordAuditEvent (a transaction holding only the event); `with-write`
 * schedules a job and appends the event in one transaction, as a request that creates a grant does.
 *
 * Usage: tsx bench/audit-bench-writer.ts <database url> <variant> <writers> <seconds> <tag> <result file>
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { appendAuditEvent, recordAuditEvent } from '../src/audit/append-audit-event.ts';
import type { AuditEventInput } from '../src/audit/audit-event.ts';
import { openDatabase, type PrismaClient } from '../src/db/open-database.ts';
import { scheduleJobs } from '../src/jobs/job-queue.ts';

export type WriterVariant = 'record' | 'with-write';

/** What a writer process hands back: per event its subject id, commit time (ms since the epoch) and latency. */
export interface WriterResult {
  tag: string;
  seconds: number;
  events: { key: string; committedAt: number; latencyMs: number }[];
  errors: number;
  firstError: string | null;
}

const [url, variantArg, writersArg, secondsArg, tag, resultFile] = process.argv.slice(2);
if (!url || !tag || !resultFile || (variantArg !== 'record' && variantArg !== 'with-write')) {
  throw new Error('usage: audit-bench-writer.ts <url> record|with-write <writers> <seconds> <tag> <file>');
}
const variant: WriterVariant = variantArg;
const writers = Number(writersArg);
const seconds = Number(secondsArg);

/** Wall-clock milliseconds with sub-millisecond resolution (checkpoints are dated with Date.now()). */
const wallClock = () => performance.timeOrigin + performance.now();

function eventFor(key: string): AuditEventInput {
  return {
    type: 'bench.appended',
    actor: { humanId: 'bench-human', agentChain: ['bench-agent'] },
    intent: 'analytics',
    subject: { kind: `bench:${variant}`, id: key },
    payload: { paths: ['analytics.marts.fct_orders'], tier: 'READ' },
    policyVersion: 1,
  };
}

async function appendOne(prisma: PrismaClient, key: string): Promise<void> {
  const event = eventFor(key);
  if (variant === 'record') {
    await recordAuditEvent(prisma, event);
    return;
  }
  await prisma.$transaction(async (tx) => {
    // A grant's expiry timer: one small row, the write a request makes alongside its event.
    await scheduleJobs(tx, [
      {
        kind: 'bench.expire',
        key: `bench.expire:${key}`,
        payload: { key },
        runAt: new Date(Date.now() + 3_600_000),
      },
    ]);
    await appendAuditEvent(tx, event);
  });
}

const database = await openDatabase({ kind: 'postgres', url, poolSize: writers });
const result: WriterResult = { tag, seconds: 0, events: [], errors: 0, firstError: null };
try {
  // Open the connections before the clock starts.
  await Promise.all(Array.from({ length: writers }, () => database.prisma.$queryRaw`SELECT 1`));
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() === 'go') {
        lines.close();
        resolve();
      }
    });
  });
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; performance.now() < deadline; n += 1) {
        const key = `${tag}:${writer}:${n}:${randomUUID().slice(0, 8)}`;
        const begin = performance.now();
        try {
          await appendOne(database.prisma, key);
        } catch (error) {
          result.errors += 1;
          result.firstError ??= error instanceof Error ? error.message : String(error);
          continue;
        }
        const committedAt = wallClock();
        result.events.push({ key, committedAt, latencyMs: performance.now() - begin });
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  await writeFile(resultFile, JSON.stringify(result));
} finally {
  await database.close();
}
