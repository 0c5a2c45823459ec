import type { AccessRequest, Prisma } from '../../../generated/prisma/client.ts';
import type { AuditEventInput } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
import type { RequestDeps } from '../request-deps.ts';
import { expiryFor, type GrantTerms, grantExpiryJob } from './create-grant.ts';

/** Applies an approved extension: the grant runs until the new term's end, counted from now. */
export async function extendGrantInTx(
  tx: Prisma.TransactionClient,
  deps: RequestDeps,
  request: AccessRequest,
  grantId: string,
  terms: GrantTerms,
  audit: AuditEventInput[],
): Promise<void> {
  const expiresAt = expiryFor(request, terms, deps.config.grantMaximums);
  const { count } = await tx.grant.updateMany({
    where: {
      id: grantId,
      status: 'ACTIVE',
      expiresAt: { gt: terms.now, lt: expiresAt },
      extensions: { lt: deps.config.maxExtensions },
    },
    data: { expiresAt, extensions: { increment: 1 } },
  });
  audit.push({
    type: count === 1 ? 'grant.extended' : 'grant.extension-void',
    actor: { humanId: request.humanId, agentChain: request.chain },
    intent: request.intent,
    subject: { kind: 'grant', id: grantId },
    payload: { requestId: request.id, expiresAt: count === 1 ? expiresAt : null },
  });
  if (count === 1) {
    await scheduleJobs(tx, [grantExpiryJob(grantId, expiresAt)]);
    await notifyChange(tx, 'grants');
  }
}
