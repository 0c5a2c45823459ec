import { Prisma } from '../../../generated/prisma/client.ts';
import type { AdvisoryLockName } from './lock-names.ts';

/**
 * Waits for these advisory locks, in the order given, and holds them until the transaction ends.
 * One statement, so a caller that needs two (a filing agent, then its person) cannot forget one.
 */
export async function takeAdvisoryLocks(
  tx: Prisma.TransactionClient,
  first: AdvisoryLockName,
  ...more: AdvisoryLockName[]
): Promise<void> {
  const locks = [first, ...more].map((name) => Prisma.sql`pg_advisory_xact_lock(hashtext(${name}))`);
  await tx.$executeRaw`SELECT ${Prisma.join(locks, ',\n    ')}`;
}

/** Takes the lock if nobody holds it (held until the transaction ends); false when somebody does. */
export async function tryAdvisoryLock(
  tx: Prisma.TransactionClient,
  name: AdvisoryLockName,
): Promise<boolean> {
  const [{ locked } = { locked: false }] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(hashtext(${name})) AS locked`;
  return locked;
}

/**
 * Any lock this transaction waits for from now on fails after `ms` (`lock_timeout`, for the rest of
 * the transaction) instead of waiting as long as the holder keeps it.
 */
export async function limitLockWaits(tx: Prisma.TransactionClient, ms: number): Promise<void> {
  await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${Math.trunc(ms)}ms'`);
}
