import { appendAuditEvent } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { ApertureError } from '../../shared/errors.ts';
import { isoSeconds } from '../../shared/iso-seconds.ts';
import { createKey, newestKeyFirst } from './signing-keys.ts';

/**
 * After a rotation, replicas switch to the new key when the change feed tells them (seconds), or
 * when their feed comes back (a replica cut from it keeps signing with the key it loaded). Added
 * to the token lifetime before an old key may be retired without refusing a live token.
 */
export const keySwitchMarginSeconds = 60;

/** The longest a delegation token can be presented, and what sets it. */
export interface TokenLifetimeBound {
  seconds: number;
  /** e.g. `APERTURE_TOKEN_TTL_SECONDS`, or `intent analytics` when the intents allow less. */
  setBy: string;
}

export type SigningKeyState = 'signing' | 'verifying' | 'retired';

export interface SigningKeyStatus {
  kid: string;
  createdAt: Date;
  state: SigningKeyState;
  retiredAt: Date | null;
  /** When a newer key took over signing; null while it signs. */
  stoppedSigningAt: Date | null;
  /** From when retiring it refuses no live token: verifying keys only. */
  retirableAt: Date | null;
}

interface SigningKeyRow {
  kid: string;
  createdAt: Date;
  retiredAt: Date | null;
}

/**
 * Each key's state, newest first (`rows` in that order). The newest key not retired signs. A key
 * stopped signing when the next key was created: only keys that do not sign can be retired, so from
 * then on some newer key always signed.
 */
export function signingKeyStatuses(
  rows: readonly SigningKeyRow[],
  lifetime: TokenLifetimeBound,
): SigningKeyStatus[] {
  const signing = rows.find((row) => row.retiredAt === null);
  return rows.map((row, index) => {
    const stoppedSigningAt = index === 0 ? null : rows[index - 1]!.createdAt;
    const state: SigningKeyState =
      row.retiredAt !== null ? 'retired' : row === signing ? 'signing' : 'verifying';
    return {
      kid: row.kid,
      createdAt: row.createdAt,
      state,
      retiredAt: row.retiredAt,
      stoppedSigningAt: state === 'signing' ? null : stoppedSigningAt,
      retirableAt:
        state === 'verifying' && stoppedSigningAt
          ? new Date(stoppedSigningAt.getTime() + (lifetime.seconds + keySwitchMarginSeconds) * 1000)
          : null,
    };
  });
}

/**
 * A token lives at most APERTURE_TOKEN_TTL_SECONDS and at most its intent's maxTokenLifetimeSeconds
 * (token exchange caps `exp` by both; every call also refuses a token older than its intent allows
 * now). The bound is the TTL as this process reads it, or the largest intent lifetime when that is
 * smaller: run the command with the service's settings.
 */
export async function longestTokenLifetime(
  prisma: PrismaClient,
  tokenTtlSeconds: number,
): Promise<TokenLifetimeBound> {
  const longest = await prisma.intent.findFirst({
    orderBy: [{ maxTokenLifetimeSeconds: 'desc' }, { name: 'asc' }],
    select: { name: true, maxTokenLifetimeSeconds: true },
  });
  return longest && longest.maxTokenLifetimeSeconds < tokenTtlSeconds
    ? { seconds: longest.maxTokenLifetimeSeconds, setBy: `intent ${longest.name}` }
    : { seconds: tokenTtlSeconds, setBy: 'APERTURE_TOKEN_TTL_SECONDS' };
}

export interface SigningKeyList {
  keys: SigningKeyStatus[];
  lifetime: TokenLifetimeBound;
  /** The database's clock. */
  now: Date;
}

export async function listSigningKeys(
  prisma: PrismaClient,
  options: { tokenTtlSeconds: number },
): Promise<SigningKeyList> {
  const [rows, lifetime, now] = await Promise.all([
    prisma.signingKey.findMany({
      orderBy: newestKeyFirst,
      select: { kid: true, createdAt: true, retiredAt: true },
    }),
    longestTokenLifetime(prisma, options.tokenTtlSeconds),
    databaseNow(prisma),
  ]);
  return { keys: signingKeyStatuses(rows, lifetime), lifetime, now };
}

export interface Rotation {
  kid: string;
  createdAt: Date;
  /** The keys that still verify, each with the time from which it can be retired. */
  verifying: SigningKeyStatus[];
  lifetime: TokenLifetimeBound;
}

/**
 * Adds a key that signs from its commit on. Every replica hears it on the change feed (`keys`, in
 * the same transaction) and reloads; the older keys keep verifying the tokens they signed.
 */
export async function rotateSigningKey(
  prisma: PrismaClient,
  options: { tokenTtlSeconds: number },
): Promise<Rotation> {
  const lifetime = await longestTokenLifetime(prisma, options.tokenTtlSeconds);
  return prisma.$transaction(async (tx) => {
    const kid = await createKey(tx);
    const rows = await tx.signingKey.findMany({
      orderBy: newestKeyFirst,
      select: { kid: true, createdAt: true, retiredAt: true },
    });
    // A rotation racing this one may have created a newer key: report this one's place.
    const statuses = signingKeyStatuses(rows, lifetime);
    const created = statuses.find((status) => status.kid === kid)!;
    const verifying = statuses.filter((status) => status.state === 'verifying' && status.kid !== kid);
    await notifyChange(tx, 'keys');
    await appendAuditEvent(tx, {
      type: 'signing-key.rotated',
      subject: { kind: 'signing-key', id: kid },
      payload: {
        verifying: verifying.map((status) => ({ kid: status.kid, retirableAt: status.retirableAt })),
        longestTokenLifetimeSeconds: lifetime.seconds,
      },
    });
    return { kid, createdAt: created.createdAt, verifying, lifetime };
  });
}

export interface Retirement {
  kid: string;
  retiredAt: Date;
  /** With `force`, before the key's tokens had all expired: when the last of them would have. */
  refusedTokensUntil: Date | null;
}

/**
 * Retires a key that does not sign: from the commit on, every replica refuses the tokens it signed
 * (the `keys` change tells them to reload the keys and forget verified tokens). Without `force`, a
 * key whose tokens may still be live is refused. No lock is needed: the newest key not retired is
 * never retired, so there is always a key to sign with.
 */
export async function retireSigningKey(
  prisma: PrismaClient,
  kid: string,
  options: { tokenTtlSeconds: number; force?: boolean | undefined },
): Promise<Retirement> {
  const lifetime = await longestTokenLifetime(prisma, options.tokenTtlSeconds);
  return prisma.$transaction(async (tx) => {
    const rows = await tx.signingKey.findMany({
      orderBy: newestKeyFirst,
      select: { kid: true, createdAt: true, retiredAt: true },
    });
    const key = signingKeyStatuses(rows, lifetime).find((status) => status.kid === kid);
    if (!key)
      throw new ApertureError('NOT_FOUND', `no signing key has kid ${kid} (aperture keys list shows them)`);
    if (key.state === 'retired')
      throw new ApertureError('CONFLICT', `key ${kid} was retired already, at ${isoSeconds(key.retiredAt!)}`);
    if (key.state === 'signing')
      throw new ApertureError(
        'CONFLICT',
        `key ${kid} is the signing key: run aperture keys rotate first, then retire it once the tokens it signed have expired`,
      );
    const [{ now }] = await tx.$queryRaw<[{ now: Date }]>`SELECT clock_timestamp() AS now`;
    const stillLive = key.retirableAt!.getTime() > now.getTime();
    if (stillLive && !options.force)
      throw new ApertureError(
        'CONFLICT',
        `key ${kid} signed tokens until ${isoSeconds(key.stoppedSigningAt!)}; they may be live until ${isoSeconds(key.retirableAt!)} (${lifetime.seconds} s set by ${lifetime.setBy}, plus ${keySwitchMarginSeconds} s for replicas to switch keys): retire it after then, or with --force to refuse them now`,
        { retirableAt: key.retirableAt!.toISOString() },
      );
    const retired = await tx.signingKey.updateMany({
      where: { kid, retiredAt: null },
      data: { retiredAt: now },
    });
    if (retired.count === 0) throw new ApertureError('CONFLICT', `key ${kid} was retired already`);
    const refusedTokensUntil = stillLive ? key.retirableAt : null;
    await notifyChange(tx, 'keys');
    await appendAuditEvent(tx, {
      type: 'signing-key.retired',
      subject: { kind: 'signing-key', id: kid },
      payload: { forced: stillLive, refusedTokensUntil, stoppedSigningAt: key.stoppedSigningAt },
    });
    return { kid, retiredAt: now, refusedTokensUntil };
  });
}

async function databaseNow(prisma: PrismaClient): Promise<Date> {
  const [{ now }] = await prisma.$queryRaw<[{ now: Date }]>`SELECT clock_timestamp() AS now`;
  return now;
}
