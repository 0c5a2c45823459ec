import type { GrantScope, StandingConsent, Tier } from '../../../generated/prisma/client.ts';

/** What a request asks, as a standing consent is matched against it. */
export interface ConsentShape {
  humanId: string;
  /** The agent chain, outermost first. */
  chain: readonly string[];
  intent: string;
  taskId: string | null;
  /** Sorted. */
  paths: readonly string[];
  tier: Tier;
  /** The grant it asks for: bound to its task, or for a time; and for how long. */
  grantScope: GrantScope;
  requestedSeconds: number;
  /** Who asks for the confirmation now (`rule:<id>` or `sub-agent`). */
  askedBy: string;
}

const tierRank: Record<Tier, number> = { DISCOVER: 0, READ: 1 };

/**
 * Whether a standing consent stands in for the person's confirmation of this request. A task
 * consent covers identical requests of the same chain under the same task id; an agent consent,
 * requests of the same chain and intent for some of its objects at its tier or below. Neither
 * covers a request for longer than the one confirmed, nor a timed grant when the confirmed one was
 * bound to its task (extensions of a grant are never covered: see file-request.ts). Both only
 * while in force and only for what the same rule (or setting) asks: a consent never covers what a
 * different rule asks, so a change that makes another rule apply asks the person again. Pure.
 */
export function consentCovers(consent: StandingConsent, shape: ConsentShape, now: Date): boolean {
  if (consent.endedAt !== null || consent.expiresAt <= now) return false;
  if (consent.humanId !== shape.humanId || consent.intent !== shape.intent) return false;
  if (consent.askedBy !== shape.askedBy) return false;
  if (consent.chain.join('>') !== shape.chain.join('>')) return false;
  // No longer than what the person confirmed, and a task-bound grant's consent stays task-bound.
  if (shape.requestedSeconds > consent.maxSeconds) return false;
  if (consent.grantScope === 'TASK' && shape.grantScope !== 'TASK') return false;
  if (consent.scope === 'TASK') {
    return (
      consent.taskId !== null &&
      consent.taskId === shape.taskId &&
      consent.tier === shape.tier &&
      consent.paths.join('\n') === shape.paths.join('\n')
    );
  }
  return (
    tierRank[shape.tier] <= tierRank[consent.tier] &&
    shape.paths.every((path) => consent.paths.includes(path))
  );
}
