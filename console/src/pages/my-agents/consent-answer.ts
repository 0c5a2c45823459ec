/** The person's four answers, as aperture's ConsentAnswer names them. */
export type ConsentAnswerChoice = 'ONCE' | 'TASK' | 'ALWAYS' | 'NOT_ME';

/** How long "Always for this agent" may last: the choices offered, and the one preselected (the server's default). */
export const standingConsentDayChoices = [7, 30, 90] as const;
export const defaultStandingConsentDays = 30;

/** "read analytics.marts.customers", "discover 3 objects": what a request asks, in words. */
export function requestedWhat(tier: string, paths: readonly string[]): string {
  const what = paths.length === 1 ? paths[0] : `${paths.length} objects`;
  return `${tier.toLowerCase()} ${what}`;
}

/**
 * What the person is told once aperture took their answer: what it did to the request (approved,
 * passed on to the approvers, denied) and what it left behind (a standing consent, an alert).
 */
export function answeredMessage(
  answer: ConsentAnswerChoice,
  outcome: { status: string; delegationRevoked: boolean },
  request: { agentName: string; what: string; days?: number },
): string {
  const { agentName, what } = request;
  if (answer === 'NOT_ME') {
    const revoked = outcome.delegationRevoked
      ? ` The delegation you gave ${agentName} was taken back at once.`
      : '';
    return `Denied: ${agentName} may not ${what}. Governance has been alerted that you did not ask for it.${revoked}`;
  }
  const how =
    answer === 'ONCE'
      ? 'Allowed once'
      : answer === 'TASK'
        ? 'Allowed for this task'
        : `Always for ${agentName}, for ${request.days ?? defaultStandingConsentDays} days`;
  const standing = answer === 'ONCE' ? '' : ' You can revoke it under Standing consents.';
  if (outcome.status === 'APPROVED') return `${how}: ${agentName} may now ${what}.${standing}`;
  if (outcome.status === 'PENDING') {
    return `${how}: ${agentName}'s request to ${what} now goes to its approvers.${standing}`;
  }
  return `${how}, but the request is ${outcome.status.toLowerCase()}.${standing}`;
}
