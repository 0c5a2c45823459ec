import type { Prisma } from '../../../generated/prisma/client.ts';

/**
 * Row locks, held until the transaction ends. Each names the table and the reason; the rows are
 * read back by the caller through Prisma after the lock, so these return only what the lock needs.
 */

/** Decisions on one access request run one at a time (the id must be a UUID). */
export async function lockAccessRequestRow(tx: Prisma.TransactionClient, requestId: string): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "AccessRequest" WHERE "id" = ${requestId}::uuid FOR UPDATE`;
}

/**
 * A revocation holds the token it revokes; false when there is no such token. With `humanId`, only
 * a token acting for that person is locked (false for anyone else's: nothing of theirs is held).
 */
export async function lockDelegationTokenRow(
  tx: Prisma.TransactionClient,
  jti: string,
  humanId?: string,
): Promise<boolean> {
  const rows =
    humanId === undefined
      ? await tx.$queryRaw<{ jti: string }[]>`
          SELECT jti FROM "DelegationToken" WHERE jti = ${jti} FOR UPDATE`
      : await tx.$queryRaw<{ jti: string }[]>`
          SELECT jti FROM "DelegationToken" WHERE jti = ${jti} AND "humanId" = ${humanId}::uuid FOR UPDATE`;
  return rows.length > 0;
}

/**
 * A child token is recorded while its parent is share-locked: a revocation of the parent either sees
 * the child or happens first. Null when there is no such token.
 */
export async function shareLockDelegationTokenRow(
  tx: Prisma.TransactionClient,
  jti: string,
): Promise<{ revokedAt: Date | null } | null> {
  const [parent] = await tx.$queryRaw<{ revokedAt: Date | null }[]>`
          SELECT "revokedAt" FROM "DelegationToken" WHERE jti = ${jti} FOR SHARE`;
  return parent ?? null;
}

/** The audit log's head (one row), locked while a batch is sequenced; undefined when not migrated. */
export interface AuditLogHead {
  size: bigint;
  frontier: string[];
  checkpointTime: bigint;
}

export async function lockAuditLogHead(tx: Prisma.TransactionClient): Promise<AuditLogHead | undefined> {
  const [head] = await tx.$queryRaw<AuditLogHead[]>`
    SELECT size, frontier, "checkpointTime" FROM "AuditLog" WHERE id = 1 FOR UPDATE`;
  return head;
}
