import type { AccessRequest, Grant } from '../../../generated/prisma/client.ts';
import { recordAuditEvent } from '../../audit/index.ts';
import { isGovernance } from '../../identity/governance.ts';
import { type HumanViewer, requireHuman, type Viewer } from '../../identity/viewer.ts';
import { ApertureError } from '../../shared/errors.ts';
import type { RequestDeps } from '../request-deps.ts';
import { grantNotFound, isUuid } from '../request-input.ts';
import type { RequestSnapshot } from '../request-snapshot.ts';
import { maySeeGrant } from '../request-visibility.ts';
import { endGrant } from './end-grant.ts';

type GrantWithRequest = Grant & { request: AccessRequest & { approvals: { approverId: string }[] } };

/**
 * Who may revoke a grant: the person it was made for (taking back what their agents hold), its
 * approvers, the owners of what it covers, and governance.
 */
function mayRevoke(deps: RequestDeps, viewer: HumanViewer, grant: GrantWithRequest) {
  if (isGovernance(viewer as Viewer, deps.governanceGroup)) return true;
  if (grant.humanId === viewer.human.id) return true;
  const { request } = grant;
  if (request.approvals.some((approval) => approval.approverId === viewer.human.id)) return true;
  const snapshot = request.snapshot as unknown as RequestSnapshot;
  return snapshot.resources.some((resource) => resource.ownerEmail?.toLowerCase() === viewer.human.email);
}

/** A human revokes a grant at once; it vanishes from the next slice query on every replica. */
export async function revokeGrant(
  deps: RequestDeps,
  caller: Viewer,
  grantId: string,
  reason: string,
): Promise<Grant> {
  const actor = requireHuman(caller, 'grants are revoked by humans with their own token');
  const grant = isUuid(grantId)
    ? await deps.prisma.grant.findUnique({
        where: { id: grantId },
        include: { request: { include: { approvals: { select: { approverId: true } } } } },
      })
    : null;
  if (!grant) throw grantNotFound(grantId);
  if (!mayRevoke(deps, actor, grant)) {
    await recordAuditEvent(deps.prisma, {
      type: 'grant.revoke-refused',
      actor: { humanId: actor.human.id },
      subject: { kind: 'grant', id: grant.id },
    });
    // Who may not even see the grant learns nothing: a real id answers like one that does not exist.
    if (!maySeeGrant(actor, grant, grant.request, deps.governanceGroup)) throw grantNotFound(grantId);
    throw new ApertureError(
      'FORBIDDEN',
      'only the person it is for, its approvers, the owners of what it covers and governance may revoke a grant',
    );
  }
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > 1000) {
    throw new ApertureError('INVALID_INPUT', 'say why the grant is revoked (1 to 1000 characters)');
  }
  const ended = await deps.prisma.$transaction((tx) =>
    endGrant(tx, grant, {
      status: 'REVOKED',
      by: `person:${actor.human.id}`,
      reason: trimmed,
      actor: { humanId: actor.human.id },
    }),
  );
  if (!ended) {
    const current = await deps.prisma.grant.findUniqueOrThrow({ where: { id: grant.id } });
    throw new ApertureError('CONFLICT', `the grant is already ${current.status.toLowerCase()}`);
  }
  return deps.prisma.grant.findUniqueOrThrow({ where: { id: grant.id } });
}

/** A grant past its end is marked EXPIRED (a durable job; it already stopped counting at its expiry). */
export async function expireGrant(deps: RequestDeps, grantId: string): Promise<{ dueInMs: number }> {
  const grant = await deps.prisma.grant.findUnique({ where: { id: grantId } });
  if (grant?.status !== 'ACTIVE') return { dueInMs: 0 };
  // The job ran by the database's clock; this process's may lag: then try again when due here.
  const dueInMs = grant.expiresAt.getTime() - Date.now();
  if (dueInMs > 0) return { dueInMs };
  await deps.prisma.$transaction((tx) =>
    endGrant(tx, grant, { status: 'EXPIRED', by: 'system:expiry', reason: 'the grant reached its end' }),
  );
  return { dueInMs: 0 };
}
