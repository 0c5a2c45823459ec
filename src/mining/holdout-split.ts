import { InvalidInputError } from '../shared/errors.ts';
import type { DecisionTable } from './decision-table.ts';
import { seededRandom, shuffleInPlace } from './seeded-random.ts';

/** Splits decision indices into a held-out part of `holdout` share and the rest, both ascending. */
export function holdoutSplit(
  size: number,
  holdout: number,
  seed: number,
): { train: Uint32Array; test: Uint32Array } {
  const order = shuffleInPlace(
    Uint32Array.from({ length: size }, (_, index) => index),
    seededRandom(seed),
  );
  const testSize = Math.round(size * holdout);
  return { test: order.slice(0, testSize).sort(), train: order.slice(testSize).sort() };
}

/**
 * Holds out whole requester groups: every decision whose `attribute` has a given value is on the
 * same side, so rules are measured on people they were not mined on. Groups are taken in a seeded
 * order until the held-out part reaches `holdout` of the decisions; decisions without the
 * attribute form one group of their own. Both parts ascending.
 */
export function groupHoldoutSplit(
  table: DecisionTable,
  attribute: string,
  holdout: number,
  seed: number,
): { train: Uint32Array; test: Uint32Array } {
  const groupOf = requesterGroups(table, attribute);
  const sizes = new Map<number, number>();
  for (const group of groupOf) sizes.set(group, (sizes.get(group) ?? 0) + 1);
  const groups = shuffleInPlace(
    [...sizes.keys()].sort((a, b) => a - b),
    seededRandom(seed),
  );
  const held = new Set<number>();
  let heldSize = 0;
  const wanted = Math.round(table.size * holdout);
  for (const group of groups) {
    if (heldSize >= wanted) break;
    held.add(group);
    heldSize += sizes.get(group)!;
  }
  const test: number[] = [];
  const train: number[] = [];
  for (let row = 0; row < table.size; row += 1) (held.has(groupOf[row]!) ? test : train).push(row);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

/**
 * Per decision, the item of its `attribute` value (-1 when it has none): the group it belongs to.
 * An unknown attribute is refused with INVALID_INPUT.
 */
export function requesterGroups(table: DecisionTable, attribute: string): Int32Array {
  const attributeIndex = table.attributes.findIndex((candidate) => candidate.name === attribute);
  if (attributeIndex < 0) {
    throw new InvalidInputError('evaluation options', [
      { location: 'groupAttribute', message: `no attribute ${attribute} in the decisions` },
    ]);
  }
  const groupOf = new Int32Array(table.size).fill(-1);
  for (let row = 0; row < table.size; row += 1) {
    const end = table.itemStart[row + 1]!;
    for (let at = table.itemStart[row]!; at < end; at += 1) {
      const item = table.items[at]!;
      if (table.itemAttribute[item] === attributeIndex) {
        groupOf[row] = item;
        break;
      }
    }
  }
  return groupOf;
}

/**
 * The requester attribute with the most distinct values: the nearest thing to a person's own
 * group (their manager's team, say); multi-valued ones (groups) are left out. Undefined when the
 * table has no such attribute.
 */
export function widestRequesterAttribute(table: DecisionTable): string | undefined {
  const values = new Map<number, number>();
  table.itemAttribute.forEach((attribute) => {
    if (table.attributes[attribute]!.side === 'human')
      values.set(attribute, (values.get(attribute) ?? 0) + 1);
  });
  let widest = -1;
  for (const [attribute, count] of values) if (widest < 0 || count > values.get(widest)!) widest = attribute;
  return widest < 0 ? undefined : table.attributes[widest]!.name;
}
