import type { RuleOutcome } from '../rules/evaluate-rules.ts';
import { type RequesterConfirmation, requesterConfirmation, routingSchema } from '../rules/rule-schema.ts';

/** Governance's consent settings, as the decision reads them. */
export interface ConsentSettingsValues {
  subAgentRequests: boolean;
  notMeRevokesDelegation: boolean;
}

export const defaultConsentSettings: ConsentSettingsValues = {
  subAgentRequests: false,
  notMeRevokesDelegation: false,
};

/** The person must confirm: when (before the approvers or beside them) and who asked it. */
export interface ConfirmationAsked {
  position: RequesterConfirmation;
  /** `rule:<id>` (the rule's requester step) or `sub-agent` (governance's setting). */
  askedBy: string;
}

/**
 * Whether the person a request is made for must confirm it: the routing rule has a requester step,
 * or the request comes through a sub-agent (a chain of two or more agents) and governance asks for
 * those. A denial asks nobody. Pure.
 */
export function confirmationAsked(
  outcome: RuleOutcome,
  settings: ConsentSettingsValues,
  chainLength: number,
): ConfirmationAsked | null {
  if (outcome.action === 'deny') return null;
  if (outcome.action === 'route') {
    const position = requesterConfirmation(outcome.routing);
    if (position && outcome.rule) return { position, askedBy: `rule:${outcome.rule.id}` };
  }
  if (settings.subAgentRequests && chainLength >= 2) return { position: 'before', askedBy: 'sub-agent' };
  return null;
}

/**
 * Who asked the person to confirm a stored request: its rule's requester step, or else governance's
 * sub-agent setting (the only other way a request waits for them).
 */
export function askedByOf(request: { ruleId: string | null; routing: unknown }): string {
  const routing = request.routing ? routingSchema.parse(request.routing) : null;
  return routing && requesterConfirmation(routing) && request.ruleId ? `rule:${request.ruleId}` : 'sub-agent';
}
