import { randomUUID } from 'node:crypto';
import {
  type AccessApproval,
  type AccessRequest,
  type Grant,
  Prisma,
} from '../../generated/prisma/client.ts';
import { type AuditEventInput, insertAuditEventsSql } from '../audit/index.ts';
import { type ChangeTopic, changeChannel, stampedPayloadSql } from '../db/change-feed.ts';
import type { JobToSchedule } from '../jobs/job-queue.ts';

/** Rows a request's transaction writes, built in memory, and the changes it announces. */
export interface RequestWrites {
  requests?: readonly AccessRequest[];
  approvals?: readonly AccessApproval[];
  grants?: readonly Grant[];
  jobs?: readonly JobToSchedule[];
  audit?: readonly AuditEventInput[];
  changes?: readonly { topic: ChangeTopic; detail?: string }[];
}

/**
 * Writes them all in ONE statement (data-modifying CTEs; foreign keys are checked at its end), in
 * the caller's transaction: a request, its grant, their timers, the audit events and the change
 * notifications cost one round trip instead of one each. Rows carry every column (their
 * `jsonb_populate_recordset` leaves nothing to a default), so what the caller holds is what is stored.
 * Jobs whose key is taken are skipped, as scheduleJobs does; one due now wakes the job workers.
 */
export async function writeRequestRows(tx: Prisma.TransactionClient, writes: RequestWrites): Promise<void> {
  const parts: Prisma.Sql[] = [];
  const rows = (table: string, values: readonly object[] | undefined, tail = Prisma.empty) => {
    if (!values || values.length === 0) return;
    parts.push(
      Prisma.sql`${Prisma.raw(`"w_${table}"`)} AS (INSERT INTO ${Prisma.raw(`"${table}"`)} SELECT * FROM jsonb_populate_recordset(NULL::${Prisma.raw(`"${table}"`)}, ${JSON.stringify(values)}::jsonb) ${tail})`,
    );
  };
  rows('AccessRequest', writes.requests);
  rows('AccessApproval', writes.approvals);
  rows('Grant', writes.grants);
  const jobs = writes.jobs ?? [];
  rows('Job', jobs.map(jobRow), Prisma.sql`ON CONFLICT DO NOTHING`);
  if (writes.audit && writes.audit.length > 0)
    parts.push(Prisma.sql`"w_audit" AS (${insertAuditEventsSql(writes.audit)})`);
  const changes = (writes.changes ?? []).map(({ topic, detail }) =>
    detail === undefined ? topic : `${topic}:${detail}`,
  );
  // Wake the workers of every replica when something is due now, rather than at their next poll.
  if (jobs.some((job) => job.runAt.getTime() <= Date.now())) changes.push('jobs');
  const notify = Prisma.sql`SELECT count(pg_notify(${changeChannel}, ${stampedPayloadSql(Prisma.sql`payload`)}))::int AS notified FROM unnest(${changes}::text[]) AS payload`;
  if (parts.length === 0 && changes.length === 0) return;
  await tx.$queryRaw(parts.length === 0 ? notify : Prisma.sql`WITH ${Prisma.join(parts, ', ')} ${notify}`);
}

/** A job row as scheduleJobs would store it. */
function jobRow(job: JobToSchedule) {
  return {
    id: randomUUID(),
    kind: job.kind,
    key: job.key ?? null,
    payload: job.payload,
    runAt: job.runAt,
    attempts: 0,
    maxAttempts: job.maxAttempts ?? 10,
    lockedUntil: null,
    lastError: null,
    failedAt: null,
    createdAt: new Date(),
  };
}

/** A unique constraint refused a row: from a Prisma query (P2002) or a raw statement (23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  return JSON.stringify(error.meta ?? {}).includes('23505') || error.message.includes('23505');
}
