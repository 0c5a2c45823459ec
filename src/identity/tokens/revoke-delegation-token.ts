import type { Prisma } from '../../../generated/prisma/client.ts';
import { appendAuditEvent } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import { lockDelegationTokenRow } from '../../db/locks/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { ApertureError } from '../../shared/errors.ts';
import { isGovernance } from '../governance.ts';
import type { IdentityState } from '../state/identity-state.ts';
import { type HumanViewer, requireHuman, type Viewer, viewerAuditActor } from '../viewer.ts';

/**
 * Runs in the revocation's transaction with the ids it revoked and who revoked them
 * (`person:<id>`): requests filed with those tokens are withdrawn (wired in app/, so identity
 * need not import requests).
 */
export type TokensRevokedHandler = (
  tx: Prisma.TransactionClient,
  tokenIds: readonly string[],
  by: string,
) => Promise<unknown>;

/**
 * Revokes a delegation token and every token derived from it (its sub-agents' tokens); they fail
 * on their next call. Returns the ids revoked now. Governance revokes any token; a person, the
 * tokens acting for them (a delegation they take back). Anyone else's token answers like one that
 * does not exist. An agent never revokes: taking a delegation back is the person's own act.
 */
export async function revokeDelegationToken(
  deps: {
    prisma: PrismaClient;
    state: IdentityState;
    governanceGroup: string;
    onTokensRevoked: TokensRevokedHandler;
  },
  viewer: Viewer,
  jti: string,
  reason?: string | null,
): Promise<string[]> {
  if (viewer.kind === 'anonymous') throw new ApertureError('UNAUTHENTICATED', 'authentication is required');
  const actor = requireHuman(viewer, 'agents cannot revoke delegation tokens; the person they act for can');
  const governs: boolean = isGovernance(actor, deps.governanceGroup);
  const notFound = () => new ApertureError('NOT_FOUND', `no delegation token has id ${jti}`);
  const revoked = await deps.prisma.$transaction(async (tx) => {
    // A person locks only a token acting for them: another person's row is never held, and
    // answers exactly like a token that does not exist.
    if (!(await lockDelegationTokenRow(tx, jti, governs ? undefined : actor.human.id))) throw notFound();
    return revokeLockedTokenTree(tx, deps.onTokensRevoked, actor, jti, reason ?? null);
  });
  deps.state.invalidate();
  return revoked;
}

/**
 * Revokes a token whose row the caller's transaction has locked, and every token derived from it;
 * withdraws what was filed with them, audits and announces it. Returns the ids revoked now.
 */
export async function revokeLockedTokenTree(
  tx: Prisma.TransactionClient,
  onTokensRevoked: TokensRevokedHandler,
  actor: HumanViewer,
  jti: string,
  reason: string | null,
): Promise<string[]> {
  // Each statement sees what committed before it: repeat until no descendant is left, so a
  // child exchanged while this runs (it locks its parent, see token exchange) is caught too.
  const revokedIds: string[] = [];
  for (;;) {
    const rows = await tx.$queryRaw<{ jti: string }[]>`
      WITH RECURSIVE tree AS (
        SELECT jti FROM "DelegationToken" WHERE jti = ${jti}
        UNION ALL
        SELECT child.jti FROM "DelegationToken" child JOIN tree ON child."parentJti" = tree.jti
      )
      UPDATE "DelegationToken" SET "revokedAt" = now()
      WHERE jti IN (SELECT jti FROM tree) AND "revokedAt" IS NULL
      RETURNING jti`;
    if (rows.length === 0) break;
    revokedIds.push(...rows.map((row) => row.jti));
  }
  await onTokensRevoked(tx, revokedIds, `person:${actor.human.id}`);
  await appendAuditEvent(tx, {
    type: 'token.revoked',
    actor: viewerAuditActor(actor),
    subject: { kind: 'delegation-token', id: jti },
    payload: { revoked: revokedIds, reason },
  });
  await notifyChange(tx, 'identity');
  return revokedIds;
}
