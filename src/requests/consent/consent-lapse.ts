import type { StandingConsent } from '../../../generated/prisma/client.ts';

/** What a standing consent relied on, as it is now. */
export interface ConsentFacts {
  /** The agents of its chain that are not active (suspended, retired or gone). */
  stoppedAgents: number;
  /** The intent still exists, is unchanged since the consent was given, and every agent of the chain may act under it. */
  intentUnchanged: boolean;
  /** The person is still active. */
  personActive: boolean;
  /** Who would ask the person's confirmation for its request now (null: nobody would). */
  askedByNow: string | null;
}

export type ConsentEndReason =
  | 'revoked'
  | 'not-me'
  | 'agent-stopped'
  | 'intent-changed'
  | 'person-left'
  | 'rule-no-longer-applies';

/**
 * Why a standing consent no longer holds, or null. It ends with its agent (suspended or retired),
 * when its intent changes, when the person leaves, and when the person's attributes (or the rules)
 * changed so that the rule that asked no longer asks for its request. Pure.
 */
export function consentLapse(
  consent: Pick<StandingConsent, 'askedBy'>,
  facts: ConsentFacts,
): ConsentEndReason | null {
  if (facts.stoppedAgents > 0) return 'agent-stopped';
  if (!facts.personActive) return 'person-left';
  if (!facts.intentUnchanged) return 'intent-changed';
  if (facts.askedByNow !== consent.askedBy) return 'rule-no-longer-applies';
  return null;
}

/** In words, for the person and the audit log. */
export const consentEndReasons: Record<ConsentEndReason, string> = {
  revoked: 'revoked by the person',
  'not-me': 'the person answered "not me" to a request of its agent chain',
  'agent-stopped': 'an agent of its chain was suspended or retired',
  'intent-changed': 'its intent changed',
  'person-left': 'the person is no longer active',
  'rule-no-longer-applies': 'the rule that asked for confirmation no longer applies to it',
};
