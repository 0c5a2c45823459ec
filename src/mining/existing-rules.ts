import type { ExistingRule, RuleAction, RuleCondition } from './rule-condition.ts';

/** An existing rule of the opposite action that a suggestion overlaps. */
export interface RuleConflict {
  ruleId: string;
  action: RuleAction;
  /** Mined decisions that both the suggestion and the rule match. */
  sharedDecisions: number;
}

/**
 * Whether one request could satisfy both conjunctions: they overlap unless both pin the same
 * single-valued attribute (`equals`) to different values. `contains` conditions never exclude each
 * other (a resource can carry both tags). Overlap is about the conditions, not the log: two rules
 * overlap even when no decision so far matched both.
 */
export function conditionsOverlap(a: readonly RuleCondition[], b: readonly RuleCondition[]): boolean {
  for (const left of a) {
    if (left.operator !== 'equals') continue;
    for (const right of b) {
      if (right.operator === 'equals' && right.attribute === left.attribute && right.value !== left.value) {
        return false;
      }
    }
  }
  return true;
}

/** Whether `general` matches every request `specific` matches (each of its conditions is one of specific's). */
export function conditionsSubsume(
  general: readonly RuleCondition[],
  specific: readonly RuleCondition[],
): boolean {
  return general.every((condition) =>
    specific.some(
      (other) =>
        other.attribute === condition.attribute &&
        other.operator === condition.operator &&
        other.value === condition.value,
    ),
  );
}

/** The existing rules a suggestion relates to: those of the same action already covering it, those of the other action it overlaps. */
export function relateToExistingRules(
  action: RuleAction,
  conditions: readonly RuleCondition[],
  existingRules: readonly ExistingRule[],
): { coveredBy: ExistingRule | undefined; overlapping: ExistingRule[] } {
  const coveredBy = existingRules.find(
    (rule) => rule.action === action && conditionsSubsume(rule.conditions, conditions),
  );
  const overlapping = existingRules.filter(
    (rule) => rule.action !== action && conditionsOverlap(rule.conditions, conditions),
  );
  return { coveredBy, overlapping };
}
