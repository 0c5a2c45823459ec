import { randomUUID } from 'node:crypto';
import type { AccessRequest, Grant } from '../../../generated/prisma/client.ts';
import type { AuditEventInput } from '../../audit/index.ts';
import { mostSensitive } from '../../catalog/sensitivity.ts';
import type { JobToSchedule } from '../../jobs/job-queue.ts';
import type { RequestSnapshot } from '../request-snapshot.ts';
import { type GrantMaximums, grantExpiry } from './grant-limits.ts';

export interface GrantTerms {
  now: Date;
  /** The approvers' choice (the shortest when several approved); null for a rule's approval. */
  approvedSeconds: number | null;
  ruleMaxSeconds: number | null;
}

/** When a grant made for `request` on these terms would end. */
export function expiryFor(request: AccessRequest, terms: GrantTerms, maximums: GrantMaximums): Date {
  const snapshot = request.snapshot as unknown as RequestSnapshot;
  return grantExpiry(
    {
      now: terms.now,
      tier: request.tier,
      sensitivity: mostSensitive(snapshot.resources.map((resource) => resource.sensitivity)),
      requestedSeconds: request.requestedDurationSeconds,
      approvedSeconds: terms.approvedSeconds,
      ruleMaxSeconds: terms.ruleMaxSeconds,
      taskEndsAt: request.scope === 'TASK' ? request.tokenExpiresAt : null,
    },
    maximums,
  );
}

/** The job that ends a grant at its expiry (keyed by the expiry, so an extension schedules its own). */
export function grantExpiryJob(grantId: string, expiresAt: Date): JobToSchedule {
  return {
    kind: 'grant.expire',
    key: `grant.expire:${grantId}:${expiresAt.getTime()}`,
    payload: { grantId },
    runAt: expiresAt,
  };
}

/** The grant an approved request makes on these terms, its expiry timer and its audit event, not yet stored. */
export function newGrant(
  request: AccessRequest,
  terms: GrantTerms,
  maximums: GrantMaximums,
): { grant: Grant; job: JobToSchedule; event: AuditEventInput } {
  const grant: Grant = {
    id: randomUUID(),
    requestId: request.id,
    humanId: request.humanId,
    chain: request.chain,
    intent: request.intent,
    taskId: request.taskId,
    paths: request.paths,
    tier: request.tier,
    scope: request.scope,
    status: 'ACTIVE',
    expiresAt: expiryFor(request, terms, maximums),
    extensions: 0,
    createdAt: terms.now,
    endedAt: null,
    endedBy: null,
    endReason: null,
  };
  const event: AuditEventInput = {
    type: 'grant.created',
    actor: { humanId: request.humanId, agentChain: request.chain },
    intent: request.intent,
    subject: { kind: 'grant', id: grant.id },
    payload: {
      requestId: request.id,
      paths: grant.paths,
      tier: grant.tier,
      scope: grant.scope,
      taskId: grant.taskId,
      expiresAt: grant.expiresAt,
    },
  };
  return { grant, job: grantExpiryJob(grant.id, grant.expiresAt), event };
}
