import type { FaultWorld } from './fault-world.ts';
import type { History } from './history.ts';
import { sleep, type Workload } from './workload.ts';

/** Audit events that decide a request; each request has at most one, a decided one exactly one. */
const decisionEvents = ['access.approved', 'access.denied', 'access.expired', 'access.cancelled'];

/**
 * How late a grant may end after its expiry (README, Operations): the job poll and a busy
 * replica; when the replica running the expiry dies, one job lease (10 s) more.
 */
export const expiryBoundMs = 5_000;
export const expiryBoundAfterCrashMs = 10_000 + expiryBoundMs;

/** How long after PostgreSQL is back a replica may still answer 503 (pool connections re-made). */
const outageGraceMs = 3_000;

export interface InvariantReport {
  violations: string[];
  /** ms each expired grant ended after its expiry. */
  expiryLatenessMs: number[];
}

/**
 * Waits until the replicas have caught up (no job due, every audit event sequenced), or fails
 * after `timeoutMs` naming what is behind.
 */
export async function settle(world: FaultWorld, timeoutMs = 60_000): Promise<void> {
  const { prisma } = world.database;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [due] = await prisma.$queryRaw<{ jobs: bigint; events: bigint }[]>`
      SELECT (SELECT count(*) FROM "Job" WHERE "runAt" <= now() AND "failedAt" IS NULL) AS jobs,
             (SELECT count(*) FROM "AuditEvent" WHERE "logIndex" IS NULL) AS events`;
    if (due!.jobs === 0n && due!.events === 0n) return;
    if (Date.now() > deadline) {
      const kinds = await prisma.$queryRaw<{ kind: string; attempts: number; lastError: string | null }[]>`
        SELECT "kind", "attempts", "lastError" FROM "Job" WHERE "runAt" <= now() AND "failedAt" IS NULL LIMIT 5`;
      throw new Error(
        `not settled after ${timeoutMs} ms: ${due!.jobs} jobs due, ${due!.events} audit events unsequenced ${JSON.stringify(kinds)}`,
      );
    }
    await sleep(200);
  }
}

/**
 * Ends a scenario: the traffic stops, every routed request is decided, every grant's expiry
 * passes, the replicas catch up; then every invariant is checked.
 */
export async function finishScenario(
  world: FaultWorld,
  workload: Workload,
  bounds: { expiryMs: number } = { expiryMs: expiryBoundMs },
): Promise<InvariantReport> {
  await workload.stop();
  await workload.drain();
  await sleep(workload.grantSeconds * 1000 + 1000);
  await settle(world);
  return checkInvariants(world, workload, bounds);
}

/** Checks the database, the fake Slack and the history against every invariant of the suite. */
export async function checkInvariants(
  world: FaultWorld,
  workload: Workload,
  bounds: { expiryMs: number } = { expiryMs: expiryBoundMs },
): Promise<InvariantReport> {
  const violations: string[] = [];
  const { prisma } = world.database;

  // Every accepted request is decided exactly once; no request has two decisions.
  const requests = await prisma.accessRequest.findMany({
    select: { id: true, status: true, requiredApprovals: true, _count: { select: { approvals: true } } },
  });
  const byId = new Map(requests.map((request) => [request.id, request]));
  const decisions = await prisma.auditEvent.groupBy({
    by: ['subjectId'],
    where: { type: { in: decisionEvents }, subjectKind: 'access-request' },
    _count: { _all: true },
  });
  const decisionCount = new Map(decisions.map((row) => [row.subjectId, row._count._all]));
  for (const filed of workload.filed.values()) {
    const stored = byId.get(filed.id);
    if (!stored) violations.push(`accepted request ${filed.id} is not stored`);
    else if (stored.status === 'PENDING') violations.push(`accepted request ${filed.id} was never decided`);
    else if ((decisionCount.get(filed.id) ?? 0) !== 1)
      violations.push(`request ${filed.id} has ${decisionCount.get(filed.id) ?? 0} decision events`);
  }
  for (const [requestId, count] of decisionCount) {
    if (count > 1) violations.push(`request ${requestId} was decided ${count} times`);
  }

  // No grant without an approving decision; no request with two grants.
  const grants = await prisma.grant.findMany({
    select: { id: true, requestId: true, status: true, expiresAt: true, endedAt: true },
  });
  const grantsPerRequest = new Map<string, number>();
  for (const grant of grants) {
    grantsPerRequest.set(grant.requestId, (grantsPerRequest.get(grant.requestId) ?? 0) + 1);
    const request = byId.get(grant.requestId);
    if (request?.status !== 'APPROVED') violations.push(`grant ${grant.id} has no approved request`);
    else if (request._count.approvals > 0 && request._count.approvals < request.requiredApprovals)
      violations.push(
        `grant ${grant.id}: ${request._count.approvals} of ${request.requiredApprovals} approvals`,
      );
  }
  for (const [requestId, count] of grantsPerRequest) {
    if (count > 1) violations.push(`request ${requestId} has ${count} grants`);
  }

  // Every grant ends at its expiry, within the bound, whichever replica made it and whether it lives.
  const [{ now }] = (await prisma.$queryRaw<{ now: Date }[]>`SELECT now()`) as [{ now: Date }];
  const expiryLatenessMs: number[] = [];
  for (const grant of grants) {
    const overdueMs = now.getTime() - grant.expiresAt.getTime();
    if (grant.status === 'ACTIVE' && overdueMs > bounds.expiryMs)
      violations.push(`grant ${grant.id} is active ${overdueMs} ms after its expiry`);
    if (grant.status === 'EXPIRED' && grant.endedAt) {
      const lateness = grant.endedAt.getTime() - grant.expiresAt.getTime();
      expiryLatenessMs.push(lateness);
      if (lateness > bounds.expiryMs || lateness < 0)
        violations.push(`grant ${grant.id} ended ${lateness} ms after its expiry`);
    }
  }

  // No job gave up (a notice never sent, a grant never ended, a login never narrowed).
  const failedJobs = await prisma.job.findMany({
    where: { failedAt: { not: null } },
    select: { kind: true, lastError: true },
  });
  for (const job of failedJobs) violations.push(`a ${job.kind} job gave up: ${job.lastError ?? ''}`);

  violations.push(...(await slackViolations(world, requests)));
  violations.push(...(await auditViolations(world)));
  violations.push(...serverErrorViolations(world.history));
  for (const call of world.history.calls.filter((candidate) => candidate.code === 'INTERNAL_SERVER_ERROR')) {
    violations.push(`${call.op} on ${call.replica} met an unexpected error: ${call.message ?? ''}`);
  }
  return { violations, expiryLatenessMs };
}

/** No Slack message posted twice, none lost: one prompt per routed request, each stored with its ts. */
async function slackViolations(world: FaultWorld, requests: { id: string }[]): Promise<string[]> {
  const violations: string[] = [];
  const posts = new Map<string, number>();
  for (const message of world.slack.messages()) {
    const payload = message.metadata?.event_payload as { request_id?: string; purpose?: string } | undefined;
    if (message.metadata?.event_type !== 'aperture_request' || !payload?.request_id) continue;
    const key = `${payload.request_id} ${payload.purpose}`;
    posts.set(key, (posts.get(key) ?? 0) + 1);
  }
  for (const [key, count] of posts)
    if (count > 1) violations.push(`Slack message ${key} posted ${count} times`);
  const rows = await world.database.prisma.slackMessage.findMany({
    select: { requestId: true, purpose: true, ts: true },
  });
  for (const row of rows) {
    if (!row.ts) violations.push(`Slack message ${row.requestId} ${row.purpose} never delivered`);
    if (!posts.has(`${row.requestId} ${row.purpose}`))
      violations.push(`Slack message ${row.requestId} ${row.purpose} is stored as posted but Slack has none`);
  }
  const routed = await world.database.prisma.auditEvent.findMany({
    where: { type: 'access.routed', subjectKind: 'access-request' },
    select: { subjectId: true },
  });
  const known = new Set(requests.map((request) => request.id));
  for (const { subjectId } of routed) {
    if (
      subjectId &&
      known.has(subjectId) &&
      ![...posts.keys()].some((key) => key.startsWith(`${subjectId} approvers:`))
    )
      violations.push(`routed request ${subjectId} was never posted to approvers`);
  }
  return violations;
}

/** The audit log verifies against its witnessed checkpoints and holds an event for every decision answered. */
async function auditViolations(world: FaultWorld): Promise<string[]> {
  const violations: string[] = [];
  const verified = await world.cli(['audit', 'verify']);
  if (verified.exitCode !== 0) violations.push(`audit verify failed: ${verified.stdout}${verified.stderr}`);
  const answered = world.history.calls.filter(
    (call) => (call.op === 'approve' || call.op === 'deny') && call.status === 200 && !call.code,
  );
  const events = await world.database.prisma.auditEvent.findMany({
    where: { type: { in: ['access.approved', 'access.denied', 'access.approval-recorded'] } },
    select: { subjectId: true },
  });
  const audited = new Set(events.map((event) => event.subjectId));
  for (const call of answered) {
    const requestId = String(call.about.requestId);
    if (!audited.has(requestId)) violations.push(`decision on ${requestId} (call ${call.id}) is not audited`);
  }
  return violations;
}

/**
 * 5xx only while PostgreSQL was down or a replica's clock was off (and just after), always a
 * retryable UNAVAILABLE with Retry-After.
 */
function serverErrorViolations(history: History): string[] {
  const violations: string[] = [];
  for (const call of history.serverErrors()) {
    const duringOutage = history.outages.some(
      (outage) =>
        (outage.replica === undefined || outage.replica === call.replica) &&
        call.endedAt >= outage.from &&
        call.startedAt <= outage.to + outageGraceMs,
    );
    const described = `${call.op} on ${call.replica} answered ${call.status} ${call.code ?? ''} ${call.message ?? ''}`;
    if (!duringOutage) violations.push(`${described} while PostgreSQL was up`);
    else if (
      call.status !== 503 ||
      !call.retryAfter ||
      !['UNAVAILABLE', 'temporarily_unavailable'].includes(call.code ?? '')
    )
      violations.push(`${described}: not a retryable 503 UNAVAILABLE with Retry-After`);
  }
  return violations;
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
