import type { AccessRequest, Prisma } from '../../generated/prisma/client.ts';
import { type AuditEventInput, appendAuditEvents, recordAuditEvent } from '../audit/index.ts';
import { notifyChange } from '../db/change-feed.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { Viewer } from '../identity/viewer.ts';
import { scheduleJobs } from '../jobs/job-queue.ts';
import { ApertureError } from '../shared/errors.ts';
import { validateInput } from '../shared/validate.ts';
import { type ApprovalEventKind, approvalNoticeJob } from './approval-notifier.ts';
import { resolveApprovers } from './approvers.ts';
import { requireAgent } from './file-request.ts';
import { createGrant } from './grants/create-grant.ts';
import { extendGrantInTx } from './grants/extend-grant.ts';
import type { RequestDeps } from './request-deps.ts';
import { decisionInputSchema } from './request-input.ts';
import type { RequestSnapshot } from './request-snapshot.ts';
import { type Routing, routingSchema } from './rules/rule-schema.ts';

type HumanViewer = Extract<Viewer, { kind: 'human' }>;

/** Humans decide, with their own token; agents never approve anything, not even by relaying. */
function requireHuman(viewer: Viewer): HumanViewer {
  if (viewer.kind !== 'human') {
    throw new ApertureError('FORBIDDEN', 'only a human with their own token can decide access requests');
  }
  return viewer;
}

/** A request made through an agent that is no longer active cannot be approved or denied into effect. */
async function requireActiveChain(tx: Prisma.TransactionClient, request: AccessRequest): Promise<void> {
  const inactive = await tx.agent.count({ where: { id: { in: request.chain }, status: { not: 'ACTIVE' } } });
  if (inactive > 0) {
    throw new ApertureError('CONFLICT', 'an agent of the requesting chain is suspended or retired');
  }
}

/** Locks the request row for the rest of the transaction: decisions on one request run one at a time. */
async function lockRequest(tx: Prisma.TransactionClient, requestId: string): Promise<AccessRequest | null> {
  await tx.$queryRaw`SELECT "id" FROM "AccessRequest" WHERE "id" = ${requestId}::uuid FOR UPDATE`;
  return tx.accessRequest.findUnique({ where: { id: requestId } });
}

function routingOf(request: AccessRequest): Routing | null {
  return request.routing ? routingSchema.parse(request.routing) : null;
}

function alreadyDecided(request: AccessRequest): ApertureError {
  return new ApertureError(
    'CONFLICT',
    `the request is already ${request.status.toLowerCase()}${request.decidedBy ? ` (by ${request.decidedBy})` : ''}`,
    { status: request.status, decidedBy: request.decidedBy },
  );
}

/** Whether this person may decide this request; the reason when not. */
export function approverProblem(request: AccessRequest, personId: string): string | null {
  if (personId === request.humanId) return 'you cannot decide a request made on your own behalf';
  if (!request.eligibleApproverIds.includes(personId)) return 'you are not an approver of this request';
  return null;
}

type Decision = { kind: 'approve'; durationSeconds: number | undefined } | { kind: 'deny'; reason: string };

/**
 * An eligible approver approves or denies. The first valid decision wins: the row is locked and
 * every transition is conditional. With a quorum, each distinct approval counts until enough.
 */
async function decide(deps: RequestDeps, actor: Viewer, requestId: string, decision: Decision) {
  const viewer = requireHuman(actor);
  const approverId = viewer.human.id;
  const refusal: { problem?: string } = {};
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const request = await lockRequest(tx, requestId);
      if (!request) throw new ApertureError('NOT_FOUND', `no access request has the id ${requestId}`);
      const problem = approverProblem(request, approverId);
      if (problem) {
        refusal.problem = problem;
        throw new ApertureError('FORBIDDEN', problem);
      }
      try {
        if (request.status !== 'PENDING') throw alreadyDecided(request);
        if (request.expiresAt <= new Date()) {
          throw new ApertureError('CONFLICT', 'the request expired before it was decided');
        }
        await requireActiveChain(tx, request);
      } catch (error) {
        refusal.problem = (error as Error).message;
        throw error;
      }
      const actorOf = { humanId: approverId };
      if (decision.kind === 'deny') {
        const denied = await transition(tx, request, 'DENIED', `person:${approverId}`, decision.reason);
        await announce(
          tx,
          denied,
          'denied',
          requestEvent(request, 'access.denied', { reason: decision.reason }, actorOf),
        );
        return denied;
      }
      const routing = routingOf(request);
      const seconds = Math.min(
        decision.durationSeconds ?? request.requestedDurationSeconds,
        request.requestedDurationSeconds,
        routing?.maxDuration ?? Number.POSITIVE_INFINITY,
      );
      const existing = await tx.accessApproval.findUnique({
        where: { requestId_approverId: { requestId, approverId } },
      });
      if (existing) {
        refusal.problem = 'already approved by this approver';
        throw new ApertureError('CONFLICT', 'you already approved this request; it needs another approver');
      }
      await tx.accessApproval.create({ data: { requestId, approverId, durationSeconds: seconds } });
      const approvals = await tx.accessApproval.findMany({ where: { requestId } });
      if (approvals.length < request.requiredApprovals) {
        await announce(
          tx,
          request,
          'progress',
          requestEvent(
            request,
            'access.approval-recorded',
            {
              approvals: approvals.length,
              required: request.requiredApprovals,
              durationSeconds: seconds,
            },
            actorOf,
          ),
        );
        return request;
      }
      const approvedSeconds = Math.min(...approvals.map((approval) => approval.durationSeconds));
      const approved = await transition(
        tx,
        request,
        'APPROVED',
        `person:${approverId}`,
        null,
        approvedSeconds,
      );
      const audit = [
        requestEvent(
          request,
          'access.approved',
          { approvers: approvals.map((approval) => approval.approverId), approvedSeconds },
          actorOf,
        ),
      ];
      const terms = { now: new Date(), approvedSeconds, ruleMaxSeconds: routing?.maxDuration ?? null };
      if (approved.extendsGrantId)
        await extendGrantInTx(tx, deps, approved, approved.extendsGrantId, terms, audit);
      else await createGrant(tx, approved, terms, deps.config.grantMaximums, audit);
      await announce(tx, approved, 'approved', ...audit);
      return approved;
    });
  } finally {
    if (refusal.problem) {
      await recordAuditEvent(deps.prisma, {
        type: 'access.decision-refused',
        actor: { humanId: approverId },
        subject: { kind: 'access-request', id: requestId },
        payload: { decision: decision.kind, problem: refusal.problem },
      });
    }
  }
}

export function approveRequest(deps: RequestDeps, actor: Viewer, rawInput: unknown) {
  const input = validateInput(decisionInputSchema, rawInput, 'input');
  return decide(deps, actor, input.requestId, { kind: 'approve', durationSeconds: input.duration });
}

export function denyRequest(deps: RequestDeps, actor: Viewer, rawInput: unknown) {
  const input = validateInput(decisionInputSchema, rawInput, 'input');
  if (!input.reason)
    throw new ApertureError('INVALID_INPUT', 'a denial needs a reason (the agent is shown it)');
  return decide(deps, actor, input.requestId, { kind: 'deny', reason: input.reason });
}

/** The agent chain that made a request withdraws it while it is pending. */
export async function cancelRequest(
  deps: RequestDeps,
  actor: Viewer,
  requestId: string,
): Promise<AccessRequest> {
  const viewer = requireAgent(actor, 'Cancelling a request');
  return deps.prisma.$transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const chain = viewer.chain.map((agent) => agent.id).join('>');
    if (
      !request ||
      request.humanId !== viewer.human.id ||
      request.intent !== viewer.intent ||
      request.chain.join('>') !== chain
    ) {
      throw new ApertureError('NOT_FOUND', `no access request has the id ${requestId}`);
    }
    if (request.status !== 'PENDING') throw alreadyDecided(request);
    const cancelled = await transition(
      tx,
      request,
      'CANCELLED',
      `agent:${viewer.chain.at(-1)!.id}`,
      'cancelled by the agent',
    );
    await announce(tx, cancelled, 'cancelled', requestEvent(request, 'access.cancelled'));
    return cancelled;
  });
}

/** A pending request past its time expires (a durable job; harmless when already decided; says when to retry if early). */
export async function expireRequest(prisma: PrismaClient, requestId: string): Promise<{ dueInMs: number }> {
  return prisma.$transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (request?.status !== 'PENDING') return { dueInMs: 0 };
    // The job ran by the database's clock; this process's may lag: then try again when due here.
    const dueInMs = request.expiresAt.getTime() - Date.now();
    if (dueInMs > 0) return { dueInMs };
    const expired = await transition(tx, request, 'EXPIRED', 'system:expiry', 'no approver decided in time');
    await announce(tx, expired, 'expired', requestEvent(request, 'access.expired'));
    return { dueInMs: 0 };
  });
}

/** Still pending after the rule's escalation delay: its escalation approvers become eligible too. */
export async function escalateRequest(prisma: PrismaClient, requestId: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const escalation = request ? routingOf(request)?.escalation : undefined;
    if (request?.status !== 'PENDING' || request.escalated || !escalation) return false;
    const added = await resolveApprovers(tx, escalation.to, request.snapshot as unknown as RequestSnapshot);
    const eligible = [...new Set([...request.eligibleApproverIds, ...added])];
    const escalated = await tx.accessRequest.update({
      where: { id: request.id },
      data: { escalated: true, eligibleApproverIds: eligible },
    });
    await announce(
      tx,
      escalated,
      'escalated',
      requestEvent(request, 'access.escalated', { addedApprovers: added.length }),
    );
    return true;
  });
}

/** PENDING → a final state, only from PENDING (the conditional update is the guarantee, the lock the order). */
async function transition(
  tx: Prisma.TransactionClient,
  request: AccessRequest,
  status: AccessRequest['status'],
  decidedBy: string,
  reason: string | null,
  approvedDurationSeconds: number | null = null,
): Promise<AccessRequest> {
  const decidedAt = new Date();
  const { count } = await tx.accessRequest.updateMany({
    where: { id: request.id, status: 'PENDING' },
    data: { status, decidedBy, decisionReason: reason, decidedAt, approvedDurationSeconds, pendingKey: null },
  });
  if (count !== 1)
    throw alreadyDecided(await tx.accessRequest.findUniqueOrThrow({ where: { id: request.id } }));
  return {
    ...request,
    status,
    decidedBy,
    decisionReason: reason,
    decidedAt,
    approvedDurationSeconds,
    pendingKey: null,
  };
}

/**
 * Subscribers (any replica) and the approval channel learn about the change once it commits; its
 * audit events are appended last, so the audit chain's head stays locked only until the commit.
 */
async function announce(
  tx: Prisma.TransactionClient,
  request: AccessRequest,
  kind: ApprovalEventKind,
  ...audit: AuditEventInput[]
) {
  await scheduleJobs(tx, [approvalNoticeJob(kind, request.id)]);
  await notifyChange(tx, 'requests', request.id);
  await appendAuditEvents(tx, audit);
}

/** An audit event about a request; by default acted by its human and agent chain. */
function requestEvent(
  request: AccessRequest,
  type: string,
  payload?: Record<string, unknown>,
  actor: AuditEventInput['actor'] = { humanId: request.humanId, agentChain: request.chain },
): AuditEventInput {
  return {
    type,
    actor,
    intent: request.intent,
    subject: { kind: 'access-request', id: request.id },
    payload,
  };
}
