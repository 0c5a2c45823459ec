import type { AccessApproval, AccessRequest, Prisma } from '../../generated/prisma/client.ts';
import type { AuditEventInput } from '../audit/index.ts';
import { lockAccessRequestRow } from '../db/locks/index.ts';
import { ApertureError } from '../shared/errors.ts';
import { type ApprovalEventKind, approvalNoticeJob } from './approval-notifier.ts';
import { planOf } from './approvals/approval-plan.ts';
import { grantKey } from './grants/active-grants.ts';
import { newGrant } from './grants/create-grant.ts';
import { extendGrantInTx } from './grants/extend-grant.ts';
import type { RequestDeps } from './request-deps.ts';
import { isUuid } from './request-input.ts';
import { writeRequestRows } from './request-writes.ts';
import { type Routing, routingSchema } from './rules/rule-schema.ts';

/**
 * The steps every decision on a request shares, whichever door and whoever took it (an approver,
 * the person it is made for, a timer): the row lock, the conditional transitions, the grant an
 * approval makes, and what is announced.
 */

/** A request made through an agent that is no longer active cannot be approved or denied into effect. */
export async function requireActiveChain(
  tx: Prisma.TransactionClient,
  request: AccessRequest,
): Promise<void> {
  const inactive = await tx.agent.count({ where: { id: { in: request.chain }, status: { not: 'ACTIVE' } } });
  if (inactive > 0) {
    throw new ApertureError('CONFLICT', 'an agent of the requesting chain is suspended or retired');
  }
}

/** Locks the request row for the rest of the transaction: decisions on one request run one at a time. */
export async function lockRequest(
  tx: Prisma.TransactionClient,
  requestId: string,
): Promise<AccessRequest | null> {
  if (!isUuid(requestId)) return null;
  await lockAccessRequestRow(tx, requestId);
  return tx.accessRequest.findUnique({ where: { id: requestId } });
}

export function routingOf(request: AccessRequest): Routing | null {
  return request.routing ? routingSchema.parse(request.routing) : null;
}

export function alreadyDecided(request: AccessRequest): ApertureError {
  return new ApertureError(
    'CONFLICT',
    `the request is already ${request.status.toLowerCase()}${request.decidedBy ? ` (by ${request.decidedBy})` : ''}`,
    { status: request.status, decidedBy: request.decidedBy },
  );
}

/** PENDING → a final state, only from PENDING (the conditional update is the guarantee, the lock the order). */
export async function transition(
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
export async function announce(
  tx: Prisma.TransactionClient,
  request: AccessRequest,
  kind: ApprovalEventKind,
  ...audit: AuditEventInput[]
) {
  await writeRequestRows(tx, {
    jobs: [approvalNoticeJob(kind, request.id)],
    audit,
    changes: [{ topic: 'requests', detail: request.id }],
  });
}

/** An audit event about a request; by default acted by its human and agent chain. */
export function requestEvent(
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

/**
 * A pending request whose approvers' steps are filled and whose person confirmed it (when asked)
 * becomes APPROVED with its grant (or extends the grant it names), in the caller's transaction. The
 * grant is as long as the shortest approval, the request, the routing and the rule allow.
 * `newApproval` is written with it (the approval that completed the plan, if any).
 */
export async function approveInTx(
  tx: Prisma.TransactionClient,
  deps: RequestDeps,
  request: AccessRequest,
  options: {
    approvals: readonly Pick<AccessApproval, 'approverId' | 'step' | 'durationSeconds'>[];
    newApproval: AccessApproval | null;
    decidedBy: string;
    reason: string | null;
    audit: AuditEventInput[];
  },
): Promise<AccessRequest> {
  const routing = routingOf(request);
  const plan = planOf(request);
  const approvedSeconds = Math.min(
    request.requestedDurationSeconds,
    ...options.approvals.map((approval) => approval.durationSeconds),
    routing?.maxDuration ?? Number.POSITIVE_INFINITY,
    plan.approveUpToSeconds ?? Number.POSITIVE_INFINITY,
  );
  const approved = await transition(
    tx,
    request,
    'APPROVED',
    options.decidedBy,
    options.reason,
    approvedSeconds,
  );
  const audit = [
    ...options.audit,
    requestEvent(
      request,
      'access.approved',
      {
        approvers: options.approvals.map((approval) => approval.approverId),
        steps: options.approvals.map((approval) => approval.step),
        approvedSeconds,
        consent: approved.consent,
      },
      decidedByActor(request, options.decidedBy),
    ),
  ];
  const terms = {
    now: new Date(),
    approvedSeconds,
    ruleMaxSeconds: routing?.maxDuration ?? plan.approveUpToSeconds ?? null,
  };
  const newApprovals = options.newApproval ? [options.newApproval] : [];
  if (approved.extendsGrantId) {
    if (newApprovals.length > 0) await tx.accessApproval.create({ data: newApprovals[0]! });
    await extendGrantInTx(tx, deps, approved, approved.extendsGrantId, terms, audit);
    await announce(tx, approved, 'approved', ...audit);
    return approved;
  }
  // The approval, the grant, their timers, audit events and notifications: one statement.
  const made = newGrant(approved, terms, deps.config.grantMaximums);
  await writeRequestRows(tx, {
    approvals: newApprovals,
    grants: [made.grant],
    jobs: [made.job, approvalNoticeJob('approved', approved.id)],
    audit: [...audit, made.event],
    changes: [
      { topic: 'grants', detail: grantKey(made.grant) },
      { topic: 'requests', detail: approved.id },
    ],
  });
  return approved;
}

/** The actor of a decision's audit event: the person who took it, or the request's own chain (a rule). */
function decidedByActor(request: AccessRequest, decidedBy: string): AuditEventInput['actor'] {
  return decidedBy.startsWith('person:')
    ? { humanId: decidedBy.slice('person:'.length) }
    : { humanId: request.humanId, agentChain: request.chain };
}
