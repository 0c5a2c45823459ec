/**
 * The decisions a run left out because the person called the request "not me", from the run's
 * `stats` JSON (0 when absent or malformed: an older server, or nothing to say).
 */
export function notMeDecisionsOf(stats: unknown): number {
  if (typeof stats !== 'object' || stats === null) return 0;
  const value = (stats as { notMeDecisions?: unknown }).notMeDecisions;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/**
 * A rule's conditions in words, as a suggestion's summary says them:
 * "resource.path = analytics.marts.customers and human.groups contains analysts".
 */
export function conditionsInWords(
  conditions: readonly { attribute: string; operator: string; value: string }[],
): string {
  return conditions
    .map(
      ({ attribute, operator, value }) => `${attribute} ${operator === 'equals' ? '=' : operator} ${value}`,
    )
    .join(' and ');
}
