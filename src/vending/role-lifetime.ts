/** What limits a vended login's life; the first to end ends it. */
export type LifetimeLimit = 'maximum' | 'requested' | 'token' | 'intent' | 'grant';

export interface LifetimeInputs {
  now: Date;
  /** APERTURE_VENDED_ROLE_MAX_SECONDS. */
  maxSeconds: number;
  /** What the agent asked for, if anything. */
  ttlSeconds: number | null;
  /** The delegation token's expiry. */
  tokenExpiresAt: Date;
  /** The intent's longest token life. */
  intentMaxSeconds: number;
  /** The grants the login relies on. */
  grantExpiries: readonly Date[];
}

/**
 * A vended login lives no longer than the shortest of: the service's maximum, what was asked, the
 * delegation token's remaining life, the intent's maximum and every grant it relies on. Pure.
 */
export function vendedRoleLifetime(inputs: LifetimeInputs): { expiresAt: Date; limitedBy: LifetimeLimit } {
  const now = inputs.now.getTime();
  const candidates: [number, LifetimeLimit][] = [
    [now + inputs.maxSeconds * 1000, 'maximum'],
    [now + inputs.intentMaxSeconds * 1000, 'intent'],
    [inputs.tokenExpiresAt.getTime(), 'token'],
    ...inputs.grantExpiries.map((expiry): [number, LifetimeLimit] => [expiry.getTime(), 'grant']),
  ];
  if (inputs.ttlSeconds !== null) candidates.push([now + inputs.ttlSeconds * 1000, 'requested']);
  let [end, limitedBy] = candidates[0]!;
  for (const [time, limit] of candidates) {
    if (time < end) [end, limitedBy] = [time, limit];
  }
  // PostgreSQL's VALID UNTIL has second precision: round down, never past a limit.
  return { expiresAt: new Date(Math.floor(end / 1000) * 1000), limitedBy };
}
