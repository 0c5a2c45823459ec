import type { RuleAction, RuleCondition } from '../rule-condition.ts';

/** Conditions in one order (attribute, operator, value), without duplicates. */
export function canonicalConditions(conditions: readonly RuleCondition[]): RuleCondition[] {
  const seen = new Set<string>();
  const unique: RuleCondition[] = [];
  for (const { attribute, operator, value } of conditions) {
    const key = JSON.stringify([attribute, operator, value]);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ attribute, operator, value });
  }
  return unique.sort(
    (a, b) =>
      compare(a.attribute, b.attribute) || compare(a.operator, b.operator) || compare(a.value, b.value),
  );
}

/**
 * The identity of a suggestion across mining runs: its action and its conditions in canonical
 * order, as JSON (readable, and unambiguous whatever the values contain). The same rule mined from
 * a later history has the same fingerprint, whatever order the miner listed its conditions in.
 */
export function suggestionFingerprint(action: RuleAction, conditions: readonly RuleCondition[]): string {
  return JSON.stringify([
    action,
    ...canonicalConditions(conditions).map(({ attribute, operator, value }) => [attribute, operator, value]),
  ]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
