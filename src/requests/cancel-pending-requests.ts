import type { Prisma } from '../../generated/prisma/client.ts';
import { type AuditEventInput, appendAuditEvents } from '../audit/index.ts';
import { notifyChange } from '../db/change-feed.ts';
import { scheduleJobs } from '../jobs/job-queue.ts';
import { approvalNoticeJob } from './approval-notifier.ts';

/**
 * Withdraws the pending requests `where` selects, in the caller's transaction: each PENDING →
 * CANCELLED once (a conditional update), its approvers told, audited. For what ended the agent or
 * token that asked: an approval must not bring back what was taken away.
 */
export async function cancelPendingRequests(
  tx: Prisma.TransactionClient,
  where: Prisma.AccessRequestWhereInput,
  cancellation: { by: string; reason: string },
): Promise<number> {
  const pending = await tx.accessRequest.findMany({
    where: { ...where, status: 'PENDING' },
    select: { id: true, humanId: true, chain: true, intent: true },
  });
  const cancelled: AuditEventInput[] = [];
  for (const request of pending) {
    const { count } = await tx.accessRequest.updateMany({
      where: { id: request.id, status: 'PENDING' },
      data: {
        status: 'CANCELLED',
        decidedBy: cancellation.by,
        decisionReason: cancellation.reason,
        decidedAt: new Date(),
        pendingKey: null,
      },
    });
    if (count === 0) continue;
    await scheduleJobs(tx, [approvalNoticeJob('cancelled', request.id)]);
    await notifyChange(tx, 'requests', request.id);
    cancelled.push({
      type: 'access.cancelled',
      actor: { humanId: request.humanId, agentChain: request.chain },
      intent: request.intent,
      subject: { kind: 'access-request', id: request.id },
      payload: { by: cancellation.by, reason: cancellation.reason },
    });
  }
  if (cancelled.length > 0) await appendAuditEvents(tx, cancelled);
  return cancelled.length;
}

/**
 * A revoked delegation's pending requests (filed with it or a token derived from it) are
 * withdrawn: the person took the delegation back, and an approval arriving later would hand the
 * agent's next token what they no longer want it to have.
 */
export function cancelRequestsOfTokens(
  tx: Prisma.TransactionClient,
  tokenIds: readonly string[],
  by: string,
): Promise<number> {
  if (tokenIds.length === 0) return Promise.resolve(0);
  return cancelPendingRequests(
    tx,
    { tokenId: { in: [...tokenIds] } },
    { by, reason: 'the delegation it was filed with was revoked' },
  );
}
