import { z } from 'zod';

/**
 * How the person a request was made for answered its confirmation, when they were asked: allowed
 * once, for the task, always for the agent (a standing consent, also when one later covered the
 * request), or "not me". Absent or null: they were not asked.
 */
export const decisionConsentSchema = z.enum(['once', 'task', 'always', 'not-me']);
export type DecisionConsent = z.infer<typeof decisionConsentSchema>;

/** Per-decision consent codes of a decision table (a Uint8Array); 0 means not asked. */
export const CONSENT_NONE = 0;
export const CONSENT_ONCE = 1;
export const CONSENT_TASK = 2;
export const CONSENT_ALWAYS = 3;
/**
 * The person said the request was not theirs. Such a decision is no approver's judgement on the
 * request: the miner leaves it out of every rate and approver count and keeps it as evidence of
 * its own (see `not-me-veto.ts`).
 */
export const CONSENT_NOT_ME = 4;

const codes: Record<DecisionConsent, number> = {
  once: CONSENT_ONCE,
  task: CONSENT_TASK,
  always: CONSENT_ALWAYS,
  'not-me': CONSENT_NOT_ME,
};

/** The table code of a record's consent. */
export function consentCode(consent: DecisionConsent | null | undefined): number {
  return consent ? codes[consent] : CONSENT_NONE;
}
