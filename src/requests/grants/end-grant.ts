import type { Grant, Prisma } from '../../../generated/prisma/client.ts';
import { appendAuditEvents } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
import { approvalNoticeJob } from '../approval-notifier.ts';
import { cancelPendingRequests } from '../cancel-pending-requests.ts';

/**
 * ACTIVE → EXPIRED or REVOKED, only from ACTIVE (a conditional update: a grant ends once). Audited,
 * announced to every replica's slice, and to the approval channel.
 */
export async function endGrant(
  tx: Prisma.TransactionClient,
  grant: Grant,
  end: { status: 'EXPIRED' | 'REVOKED'; by: string; reason: string; actor?: { humanId?: string } },
): Promise<boolean> {
  const now = new Date();
  const { count } = await tx.grant.updateMany({
    where: {
      id: grant.id,
      status: 'ACTIVE',
      ...(end.status === 'EXPIRED' ? { expiresAt: { lte: now } } : {}),
    },
    data: { status: end.status, endedAt: now, endedBy: end.by, endReason: end.reason },
  });
  if (count !== 1) return false;
  await scheduleJobs(tx, [
    approvalNoticeJob(end.status === 'EXPIRED' ? 'grant-expired' : 'grant-revoked', grant.requestId),
  ]);
  await notifyChange(tx, 'grants');
  await notifyChange(tx, 'requests', grant.requestId);
  // Last: the audit chain's head stays locked from here to the commit.
  await appendAuditEvents(tx, [
    {
      type: end.status === 'EXPIRED' ? 'grant.expired' : 'grant.revoked',
      actor: end.actor ?? { humanId: grant.humanId, agentChain: grant.chain },
      intent: grant.intent,
      subject: { kind: 'grant', id: grant.id },
      payload: { requestId: grant.requestId, by: end.by, reason: end.reason },
    },
  ]);
  return true;
}

/**
 * A suspended or retired agent loses every grant made through it (its sub-agents' too), and its
 * pending requests are cancelled (an approval must not bring it back when it is reactivated).
 */
export async function revokeGrantsOfAgent(
  tx: Prisma.TransactionClient,
  agentId: string,
  by: string,
): Promise<number> {
  await cancelPendingRequests(
    tx,
    { chain: { has: agentId } },
    { by, reason: 'an agent of the chain was suspended or retired' },
  );
  const grants = await tx.grant.findMany({ where: { status: 'ACTIVE', chain: { has: agentId } } });
  let revoked = 0;
  for (const grant of grants) {
    if (
      await endGrant(tx, grant, {
        status: 'REVOKED',
        by,
        reason: 'an agent of its chain was suspended or retired',
      })
    )
      revoked += 1;
  }
  return revoked;
}
