import { type DecisionTable, findItem } from './decision-table.ts';
import type { RuleCondition } from './rule-condition.ts';

const sideOrder = { resource: 0, human: 1, request: 2 } as const;

/** The conditions an itemset stands for: resource side first, then requester, then request. */
export function itemsToConditions(table: DecisionTable, items: ArrayLike<number>): RuleCondition[] {
  const conditions = Array.from(items, (item) => {
    const attribute = table.attributes[table.itemAttribute[item]!]!;
    return {
      side: sideOrder[attribute.side],
      condition: {
        attribute: attribute.name,
        operator: attribute.multiValued ? ('contains' as const) : ('equals' as const),
        value: table.itemValue[item]!,
      },
    };
  });
  conditions.sort(
    (a, b) =>
      a.side - b.side ||
      a.condition.attribute.localeCompare(b.condition.attribute) ||
      a.condition.value.localeCompare(b.condition.value),
  );
  return conditions.map(({ condition }) => condition);
}

/**
 * The items of a conjunction (ascending), or null when some condition names a value no decision
 * has (then nothing in the table matches).
 */
export function conditionsToItems(
  table: DecisionTable,
  conditions: readonly RuleCondition[],
): Uint32Array | null {
  const items: number[] = [];
  for (const condition of conditions) {
    const item = findItem(table, condition.attribute, condition.value);
    if (item === undefined) return null;
    items.push(item);
  }
  return Uint32Array.from(new Set(items)).sort();
}

/** A stable, readable id: `approve:resource.domain=finance&human.department=finance`. */
export function suggestionId(action: string, conditions: readonly RuleCondition[]): string {
  return `${action}:${conditions.map((condition) => `${condition.attribute}=${condition.value}`).join('&')}`;
}
