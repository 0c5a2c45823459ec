import { randomUUID } from 'node:crypto';
import type { AccessRequest, Grant, Prisma } from '../../../generated/prisma/client.ts';
import type { AuditEventInput } from '../../audit/index.ts';
import { mostSensitive } from '../../catalog/sensitivity.ts';
import { notifyChange } from '../../db/change-feed.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
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
export function grantExpiryJob(grantId: string, expiresAt: Date) {
  return {
    kind: 'grant.expire',
    key: `grant.expire:${grantId}:${expiresAt.getTime()}`,
    payload: { grantId },
    runAt: expiresAt,
  };
}

/**
 * Creates the grant of an approved request and schedules its expiry, in `tx`; its audit event goes
 * to `audit`, which the caller appends last (the audit chain's head stays locked until commit).
 */
export async function createGrant(
  tx: Prisma.TransactionClient,
  request: AccessRequest,
  terms: GrantTerms,
  maximums: GrantMaximums,
  audit: AuditEventInput[],
): Promise<Grant> {
  const expiresAt = expiryFor(request, terms, maximums);
  const grant = await tx.grant.create({
    data: {
      id: randomUUID(),
      requestId: request.id,
      humanId: request.humanId,
      chain: request.chain,
      intent: request.intent,
      taskId: request.taskId,
      paths: request.paths,
      tier: request.tier,
      scope: request.scope,
      expiresAt,
      createdAt: terms.now,
    },
  });
  await scheduleJobs(tx, [grantExpiryJob(grant.id, expiresAt)]);
  audit.push({
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
  });
  await notifyChange(tx, 'grants');
  return grant;
}
