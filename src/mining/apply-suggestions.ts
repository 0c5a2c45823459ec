import { conditionsToItems } from './condition-items.ts';
import type { DecisionTable } from './decision-table.ts';
import { type ItemIndex, rowsWithAll } from './item-index.ts';
import type { RuleAction, RuleCondition } from './rule-condition.ts';

/** Decisions (by table index) that some approve rule, and some deny rule, matches. */
export interface RuleMatches {
  approved: Uint8Array;
  denied: Uint8Array;
}

/** Marks the decisions of `index` that each rule matches, by action (deny wins is left to the reader). */
export function matchRules(
  table: DecisionTable,
  index: ItemIndex,
  rules: readonly { action: RuleAction; conditions: readonly RuleCondition[] }[],
): RuleMatches {
  const approved = new Uint8Array(table.size);
  const denied = new Uint8Array(table.size);
  for (const rule of rules) {
    const items = conditionsToItems(table, rule.conditions);
    if (!items) continue;
    const marks = rule.action === 'approve' ? approved : denied;
    for (const row of rowsWithAll(index, items)) marks[row] = 1;
  }
  return { approved, denied };
}
