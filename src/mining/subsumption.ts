import type { DecisionTable } from './decision-table.ts';
import type { RuleAction } from './rule-condition.ts';

/**
 * The items every one of `rows` has (ascending): the most specific description of those
 * decisions. It always contains `items` when the rows are exactly the decisions matching them, so
 * the scan stops as soon as nothing else is left.
 */
export function closureOf(table: DecisionTable, rows: Uint32Array, items: Uint32Array): Uint32Array {
  if (rows.length === 0) return items;
  const { itemStart, items: tableItems } = table;
  let closure = tableItems.slice(itemStart[rows[0]!]!, itemStart[rows[0]! + 1]!);
  for (let at = 1; at < rows.length && closure.length > items.length; at += 1) {
    const row = rows[at]!;
    let read = itemStart[row]!;
    const end = itemStart[row + 1]!;
    let kept = 0;
    for (const item of closure) {
      while (read < end && tableItems[read]! < item) read += 1;
      if (read < end && tableItems[read] === item) closure[kept++] = item;
    }
    closure = closure.subarray(0, kept);
  }
  return closure;
}

/** A candidate as redundancy removal sees it. */
export interface ClosedCandidate {
  items: Uint32Array;
  action: RuleAction;
  /** See {@link closureOf}. */
  closure: Uint32Array;
}

/** Which candidates to keep, and why the others went. */
export interface RedundancyOutcome {
  kept: boolean[];
  /** Removed because a kept candidate of the same action has a subset of their conditions. */
  subsumed: number;
  /** Removed because another candidate of the same action matches every decision they match (or the same ones, and is simpler). */
  redundant: number;
}

const keyOf = (items: ArrayLike<number>) => Array.prototype.join.call(items, ',');

/** Whether every item of `small` is in `large` (both ascending). */
export function isSubset(small: Uint32Array, large: Uint32Array): boolean {
  let at = 0;
  for (const item of small) {
    while (at < large.length && large[at]! < item) at += 1;
    if (at === large.length || large[at] !== item) return false;
  }
  return true;
}

/**
 * A strict order among candidates that match the same decisions: fewer conditions first; then
 * the narrower conditions (fewer decisions hold them one by one: `resource.domain = finance`
 * rather than `resource.kind = table`, which would reach every table beyond the log); then the
 * lower item ids.
 */
function preferred(a: Uint32Array, b: Uint32Array, itemCount: Uint32Array): boolean {
  if (a.length !== b.length) return a.length < b.length;
  let breadthA = 0;
  let breadthB = 0;
  for (let at = 0; at < a.length; at += 1) {
    breadthA += itemCount[a[at]!]!;
    breadthB += itemCount[b[at]!]!;
  }
  if (breadthA !== breadthB) return breadthA < breadthB;
  for (let at = 0; at < a.length; at += 1) if (a[at] !== b[at]) return a[at]! < b[at]!;
  return false;
}

/**
 * Removes subsumed and redundant candidates. Candidate B goes when another candidate A of the
 * same action has all its conditions within B's closure: then every logged decision B matches, A
 * matches too, so B adds nothing A does not already show. This covers plain subsumption (A's
 * conditions a subset of B's) and implied conditions (B pins `resource.path`, A the domain that
 * path is in). When A and B match exactly the same decisions, one stays (see `preferred`).
 * Whether a broader A also clears the approver gate does not matter: B's deciders are a subset of
 * A's, so B could not clear it either.
 */
export function removeRedundant(
  candidates: readonly ClosedCandidate[],
  maxConditions: number,
  itemCount: Uint32Array,
): RedundancyOutcome {
  const byKey = new Map<string, number>();
  for (const [index, candidate] of candidates.entries()) {
    byKey.set(`${candidate.action}:${keyOf(candidate.items)}`, index);
  }
  const kept = candidates.map(() => true);
  let subsumed = 0;
  let redundant = 0;
  candidates.forEach((candidate, index) => {
    const { closure, items, action } = candidate;
    const visit = (subset: number[]): boolean => {
      const other = byKey.get(`${action}:${subset.join(',')}`);
      if (other === undefined || other === index) return false;
      const general = candidates[other]!;
      const equivalent = isSubset(items, general.closure);
      if (equivalent && !preferred(general.items, items, itemCount)) return false;
      if (isSubset(general.items, items)) subsumed += 1;
      else redundant += 1;
      kept[index] = false;
      return true;
    };
    const size = closure.length;
    for (let i = 0; i < size - 1; i += 1) {
      for (let j = i + 1; j < size; j += 1) {
        if (visit([closure[i]!, closure[j]!])) return;
        if (maxConditions < 3) continue;
        for (let k = j + 1; k < size; k += 1) if (visit([closure[i]!, closure[j]!, closure[k]!])) return;
      }
    }
  });
  return { kept, subsumed, redundant };
}

/** A suggestion as {@link removeCoveredByOthers} sees it. */
export interface CoveringCandidate {
  action: RuleAction;
  items: Uint32Array;
  /** The decisions it matches. */
  rows: Uint32Array;
}

/**
 * Removes suggestions that add almost nothing to the others of their action: those whose matched
 * decisions, all but fewer than `minNew`, are matched by the other kept suggestions together
 * (e.g. "finance people on finance data tagged kpi" next to one suggestion per sensitivity
 * level). The least general go first (more conditions, then fewer decisions), so the simpler,
 * broader suggestions stay. Returns which to keep.
 */
export function removeCoveredByOthers(
  candidates: readonly CoveringCandidate[],
  tableSize: number,
  minNew: number,
  itemCount: Uint32Array,
): boolean[] {
  const kept = candidates.map(() => true);
  for (const action of ['approve', 'deny'] as const) {
    const order = candidates
      .map((candidate, at) => ({ candidate, at }))
      .filter(({ candidate }) => candidate.action === action)
      .sort(
        (a, b) =>
          b.candidate.items.length - a.candidate.items.length ||
          a.candidate.rows.length - b.candidate.rows.length ||
          (preferred(a.candidate.items, b.candidate.items, itemCount) ? 1 : -1),
      );
    const coverage = new Uint32Array(tableSize);
    for (const { candidate } of order) for (const row of candidate.rows) coverage[row]! += 1;
    for (const { candidate, at } of order) {
      let own = 0;
      for (const row of candidate.rows) if (coverage[row] === 1) own += 1;
      if (own >= minNew) continue;
      kept[at] = false;
      for (const row of candidate.rows) coverage[row]! -= 1;
    }
  }
  return kept;
}
