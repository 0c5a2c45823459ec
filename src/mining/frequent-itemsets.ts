import { SIDE_HUMAN, SIDE_RESOURCE } from './decision-table.ts';
import type { ItemIndex } from './item-index.ts';
import { NumberMap } from './number-map.ts';
import type { RateEstimator } from './rate-estimate.ts';
import type { RuleAction } from './rule-condition.ts';

/** An itemset whose counts clear the bound for `action`: a suggestion before evidence and pruning. */
export interface RuleCandidate {
  /** Table items, ascending. */
  items: Uint32Array;
  action: RuleAction;
  total: number;
  approved: number;
  /** The rate the estimator judged (approval rate, or denial rate), at or above the threshold. */
  estimate: number;
}

/** What the level-wise search needs to know. */
export interface CandidateLimits {
  /** Per action: how a conjunction's rate is judged from its counts, and what it must reach. */
  gates: Record<RuleAction, RateGate>;
  minSupport: number;
  maxConditions: number;
  /**
   * Whether an approve conjunction (table items) must never be suggested (the "not me" veto). A
   * vetoed conjunction is not a rule, so the search goes on to its narrower conjunctions, which may
   * leave the vetoed requests out.
   */
  vetoApprove?: ((items: Uint32Array) => boolean) | undefined;
}

/** What a conjunction's rate (approval rate, or denial rate) must reach, as an estimator judges it. */
export interface RateGate {
  estimator: RateEstimator;
  /** At 1 or above, no conjunction passes: the action is never suggested. */
  threshold: number;
}

/** How much was counted (for benchmarks and curiosity). */
export interface CountingStats {
  frequentItems: number;
  pairsCounted: number;
  triplesCounted: number;
}

// Side bits: a set is well-formed when the OR of its members' bits has both HUMAN and RESOURCE.
const HUMAN_BIT = 1;
const RESOURCE_BIT = 2;
const REQUEST_BIT = 4;
const WELL_FORMED = HUMAN_BIT | RESOURCE_BIT;

// Per-pair status bits.
/** Enough decisions and approvals that some superset could still clear the approve bound. */
const CAN_APPROVE = 1;
const CAN_DENY = 2;
/** A well-formed pair that already clears the bound: its supersets would be subsumed. */
const IS_APPROVE_RULE = 4;
const IS_DENY_RULE = 8;
/** Every decision with the first item has the second: adding the second changes nothing. */
const FIRST_IMPLIES_SECOND = 16;
const SECOND_IMPLIES_FIRST = 32;
/** A well-formed pair that clears the approve bound but was vetoed: a triple must not reduce to it. */
const APPROVE_VETOED = 64;

/**
 * The frequent items of each indexed decision, renumbered densely (resource items first, then
 * requester, then request items), both ways round.
 */
interface FrequentRows {
  /** Dense number -> table item. */
  items: Uint32Array;
  /** Dense number -> side bit, and how many decisions have it. */
  sideBits: Uint8Array;
  counts: Uint32Array;
  /** Dense numbers below `firstHuman` are resource items; from `firstRequest` on, request items. */
  firstHuman: number;
  firstRequest: number;
  /** Decision at position `p` of `index.rows` holds `members[start[p]] .. members[start[p + 1] - 1]`, ascending. */
  start: Uint32Array;
  members: Uint32Array;
  approved: Uint8Array;
  /** Dense item `i` is held by the positions `holders[holderStart[i]] .. holders[holderStart[i + 1] - 1]`. */
  holderStart: Uint32Array;
  holders: Uint32Array;
}

/**
 * Finds every conjunction of 2 to `maxConditions` items that names at least one resource-side and
 * one requester-side item and whose approval (or denial) rate has a lower bound at or above the
 * threshold, level-wise with Apriori pruning:
 *
 * 1. items: keep those with enough decisions and enough approvals or denials to ever clear the
 *    bound (with n successes out of n the bound is n / (n + z²), so fewer can never do);
 * 2. pairs: count every pair of kept items (all sides, since triples need all three pairs) and
 *    note which pairs are rules already and which imply one another;
 * 3. triples: extend only pairs that could still clear the bound; keep a triple only when its
 *    three pairs could still clear the bound for an action, none of its well-formed pairs already
 *    is a rule for that action (it would be subsumed), and it is not the same decisions as one of
 *    its well-formed pairs (one item implied by another).
 *
 * Counting goes item by item, from the last to the first (Eclat-style): the decisions holding
 * item `i` are bucketed by their next item `j`, and each bucket counts its third items in a dense
 * array. So the hot loops are typed-array increments, and every pair `(j, k)` a triple `(i, j, k)`
 * needs was settled before `i` is reached.
 */
export function findRuleCandidates(
  index: ItemIndex,
  limits: CandidateLimits,
): { candidates: RuleCandidate[]; vetoed: RuleCandidate[]; stats: CountingStats } {
  let approvals = 0;
  for (const row of index.rows) approvals += index.table.approved[row]!;
  const approvalRate = index.rows.length === 0 ? 0 : approvals / index.rows.length;
  const baseRate = { approve: approvalRate, deny: 1 - approvalRate } as const;
  const { gates } = limits;
  const minApprovals = gates.approve.estimator.minSuccesses(gates.approve.threshold, baseRate.approve);
  const minDenials = gates.deny.estimator.minSuccesses(gates.deny.threshold, baseRate.deny);
  const frequent = frequentRows(index, limits.minSupport, minApprovals, minDenials);
  const {
    items,
    sideBits,
    counts,
    start,
    members,
    approved,
    holderStart,
    holders,
    firstHuman,
    firstRequest,
  } = frequent;
  const width = items.length;
  const candidates: RuleCandidate[] = [];
  const vetoed: RuleCandidate[] = [];
  const consider = (
    itemset: number[],
    total: number,
    approvedCount: number,
  ): RuleAction | 'vetoed' | undefined => {
    if (total < limits.minSupport) return undefined;
    for (const action of ['approve', 'deny'] as const) {
      const successes = action === 'approve' ? approvedCount : total - approvedCount;
      const gate = gates[action];
      const estimate = gate.estimator.estimate(successes, total, baseRate[action]);
      if (estimate >= gate.threshold) {
        const candidate = {
          items: Uint32Array.from(itemset).sort(),
          action,
          total,
          approved: approvedCount,
          estimate,
        };
        // An approval rate this high leaves no room for a deny rule: the conjunction is done.
        if (action === 'approve' && limits.vetoApprove?.(candidate.items)) {
          vetoed.push(candidate);
          return 'vetoed';
        }
        candidates.push(candidate);
        return action;
      }
    }
    return undefined;
  };
  const pairStatusOf = (first: number, second: number, total: number, approvedCount: number): number => {
    let bits = 0;
    if (total >= limits.minSupport) {
      if (approvedCount >= minApprovals) bits |= CAN_APPROVE;
      if (total - approvedCount >= minDenials) bits |= CAN_DENY;
    }
    if (total === counts[first]) bits |= FIRST_IMPLIES_SECOND;
    if (total === counts[second]) bits |= SECOND_IMPLIES_FIRST;
    if (((sideBits[first]! | sideBits[second]!) & WELL_FORMED) === WELL_FORMED) {
      const action = consider([items[first]!, items[second]!], total, approvedCount);
      if (action === 'approve') bits |= IS_APPROVE_RULE;
      else if (action === 'deny') bits |= IS_DENY_RULE;
      else if (action === 'vetoed') bits |= APPROVE_VETOED;
    }
    return bits;
  };

  const pairStatus = new NumberMap(width * 16);
  const pairTotal = new Uint32Array(width);
  const pairApproved = new Uint32Array(width);
  const localStatus = new Uint8Array(width);
  const seconds = new Uint32Array(width);
  const tripleTotal = new Uint32Array(width);
  const tripleApproved = new Uint32Array(width);
  const thirds = new Uint32Array(width);
  const bucketStart = new Uint32Array(width);
  const bucketFill = new Uint32Array(width);
  // The items after `i` of each decision holding `i`, copied together so that the counting loops
  // read memory in order instead of jumping around the whole table.
  let tails = new Uint32Array(1024);
  let tailEnd = new Uint32Array(1024);
  let bucketAt = new Uint32Array(1024);
  let bucketEnd = new Uint32Array(1024);
  let pairsCounted = 0;
  let triplesCounted = 0;
  const extend = limits.maxConditions >= 3;

  for (let i = width - 1; i >= 0; i -= 1) {
    const holdersFrom = holderStart[i]!;
    const holderCount = holderStart[i + 1]! - holdersFrom;
    // Gather the tails; `tailEnd[h]` is where holder h's tail ends, shifted left once, with its approval in bit 0.
    if (tailEnd.length < holderCount) tailEnd = new Uint32Array(Math.max(holderCount, tailEnd.length * 2));
    let tailSize = 0;
    for (let h = 0; h < holderCount; h += 1) {
      const position = holders[holdersFrom + h]!;
      const to = start[position + 1]!;
      let at = start[position]!;
      while (members[at] !== i) at += 1;
      at += 1;
      if (tails.length < tailSize + (to - at)) {
        const larger = new Uint32Array(Math.max(tailSize + (to - at), tails.length * 2));
        larger.set(tails.subarray(0, tailSize));
        tails = larger;
      }
      for (; at < to; at += 1) tails[tailSize++] = members[at]!;
      tailEnd[h] = (tailSize << 1) | approved[position]!;
    }

    // Pairs (i, j > i).
    let secondCount = 0;
    let from = 0;
    for (let h = 0; h < holderCount; h += 1) {
      const end = tailEnd[h]! >>> 1;
      const isApproved = tailEnd[h]! & 1;
      for (let at = from; at < end; at += 1) {
        const j = tails[at]!;
        if (pairTotal[j] === 0) seconds[secondCount++] = j;
        pairTotal[j]! += 1;
        pairApproved[j]! += isApproved;
      }
      from = end;
    }
    let bucketSize = 0;
    for (let s = 0; s < secondCount; s += 1) {
      const j = seconds[s]!;
      const bits = pairStatusOf(i, j, pairTotal[j]!, pairApproved[j]!);
      localStatus[j] = bits;
      pairStatus.set(i * width + j, bits);
      // A well-formed triple has a resource item, hence starts with one, and its second item is not a request item.
      if (extend && i < firstHuman && j < firstRequest && (bits & (CAN_APPROVE | CAN_DENY)) !== 0) {
        bucketStart[j] = bucketFill[j] = bucketSize;
        bucketSize += pairTotal[j]!;
      }
    }
    pairsCounted += secondCount;

    // Triples (i, j, k > j) for the pairs (i, j) worth extending: bucket the tails by j.
    if (bucketSize > 0) {
      if (bucketAt.length < bucketSize) {
        bucketAt = new Uint32Array(Math.max(bucketSize, bucketAt.length * 2));
        bucketEnd = new Uint32Array(bucketAt.length);
      }
      from = 0;
      for (let h = 0; h < holderCount; h += 1) {
        const packedEnd = tailEnd[h]!;
        const end = packedEnd >>> 1;
        for (let at = from; at < end; at += 1) {
          const j = tails[at]!;
          if (j >= firstRequest || (localStatus[j]! & (CAN_APPROVE | CAN_DENY)) === 0) continue;
          const slot = bucketFill[j]!++;
          bucketAt[slot] = at + 1;
          bucketEnd[slot] = packedEnd;
        }
        from = end;
      }
      for (let s = 0; s < secondCount; s += 1) {
        const j = seconds[s]!;
        const ij = localStatus[j]!;
        if (j >= firstRequest || (ij & (CAN_APPROVE | CAN_DENY)) === 0) continue;
        // After two resource items only a requester item makes the triple well-formed.
        const lowestThird = j < firstHuman ? firstHuman : 0;
        const highestThird = j < firstHuman ? firstRequest : width;
        let thirdCount = 0;
        const slotsEnd = bucketStart[j]! + pairTotal[j]!;
        for (let slot = bucketStart[j]!; slot < slotsEnd; slot += 1) {
          const packedEnd = bucketEnd[slot]!;
          const end = packedEnd >>> 1;
          const isApproved = packedEnd & 1;
          for (let at = bucketAt[slot]!; at < end; at += 1) {
            const k = tails[at]!;
            if (k < lowestThird) continue;
            if (k >= highestThird) break;
            if (tripleTotal[k] === 0) thirds[thirdCount++] = k;
            tripleTotal[k]! += 1;
            tripleApproved[k]! += isApproved;
          }
        }
        const sidesIJ = sideBits[i]! | sideBits[j]!;
        for (let t = 0; t < thirdCount; t += 1) {
          const k = thirds[t]!;
          const total = tripleTotal[k]!;
          const approvedCount = tripleApproved[k]!;
          tripleTotal[k] = 0;
          tripleApproved[k] = 0;
          if (((sidesIJ | sideBits[k]!) & WELL_FORMED) !== WELL_FORMED || total < limits.minSupport) continue;
          const ik = localStatus[k]!;
          const possibleIK = ij & ik;
          if ((possibleIK & (CAN_APPROVE | CAN_DENY)) === 0) continue;
          const jk = pairStatus.get(j * width + k, 0);
          const possible = possibleIK & jk;
          const rules = ij | ik | jk;
          const approveUseful = (possible & CAN_APPROVE) !== 0 && (rules & IS_APPROVE_RULE) === 0;
          const denyUseful = (possible & CAN_DENY) !== 0 && (rules & IS_DENY_RULE) === 0;
          if (!approveUseful && !denyUseful) continue;
          if (
            (rules & (FIRST_IMPLIES_SECOND | SECOND_IMPLIES_FIRST)) !== 0 &&
            reducesToWellFormedPair(ij, ik, jk, sideBits[i]!, sideBits[j]!, sideBits[k]!)
          ) {
            continue;
          }
          triplesCounted += 1;
          consider([items[i]!, items[j]!, items[k]!], total, approvedCount);
        }
      }
    }
    for (let s = 0; s < secondCount; s += 1) {
      const j = seconds[s]!;
      pairTotal[j] = 0;
      pairApproved[j] = 0;
      localStatus[j] = 0;
    }
  }
  return { candidates, vetoed, stats: { frequentItems: width, pairsCounted, triplesCounted } };
}

/** Level 1: items with enough decisions, and enough approvals or denials, to ever clear the bound. */
function frequentRows(
  index: ItemIndex,
  minSupport: number,
  minApprovals: number,
  minDenials: number,
): FrequentRows {
  const { table, rows, count, approvedCount } = index;
  const itemCount = table.itemValue.length;
  const denseOf = new Int32Array(itemCount).fill(-1);
  const items: number[] = [];
  const sideOrder = [SIDE_RESOURCE, SIDE_HUMAN, 3 - SIDE_HUMAN - SIDE_RESOURCE];
  const sideBitOrder = [RESOURCE_BIT, HUMAN_BIT, REQUEST_BIT];
  const sideStart: number[] = [];
  const bits: number[] = [];
  for (const [rank, side] of sideOrder.entries()) {
    sideStart.push(items.length);
    for (let item = 0; item < itemCount; item += 1) {
      if (table.itemSide[item] !== side) continue;
      const total = count[item]!;
      const approved = approvedCount[item]!;
      if (total >= minSupport && (approved >= minApprovals || total - approved >= minDenials)) {
        denseOf[item] = items.length;
        items.push(item);
        bits.push(sideBitOrder[rank]!);
      }
    }
  }
  const width = items.length;
  const counts = Uint32Array.from(items, (item) => count[item]!);
  const holderStart = new Uint32Array(width + 1);
  for (let dense = 0; dense < width; dense += 1)
    holderStart[dense + 1] = holderStart[dense]! + counts[dense]!;
  const size = holderStart[width]!;
  const holders = new Uint32Array(size);
  const holderFill = holderStart.slice(0, width);
  const { itemStart, items: tableItems, approved: tableApproved } = table;
  const start = new Uint32Array(rows.length + 1);
  const members = new Uint32Array(size);
  const approved = new Uint8Array(rows.length);
  let length = 0;
  for (let position = 0; position < rows.length; position += 1) {
    const row = rows[position]!;
    const from = length;
    const end = itemStart[row + 1]!;
    for (let at = itemStart[row]!; at < end; at += 1) {
      const dense = denseOf[tableItems[at]!]!;
      if (dense < 0) continue;
      // Insertion into dense order (decisions hold a dozen items or so).
      let back = length++;
      while (back > from && members[back - 1]! > dense) {
        members[back] = members[back - 1]!;
        back -= 1;
      }
      members[back] = dense;
      holders[holderFill[dense]!++] = position;
    }
    start[position + 1] = length;
    approved[position] = tableApproved[row]!;
  }
  return {
    items: Uint32Array.from(items),
    sideBits: Uint8Array.from(bits),
    counts,
    firstHuman: sideStart[1]!,
    firstRequest: sideStart[2]!,
    start,
    members,
    approved,
    holderStart,
    holders,
  };
}

/**
 * Whether one item of the triple (a, b, c) is implied by another, leaving a well-formed pair with
 * the same decisions. `ab`, `ac`, `bc` are pair statuses; the sides are side bits. A pair the veto
 * stopped does not count: the implication holds over the counted decisions only, and the triple
 * may be the narrower rule that leaves the "not me" requests out.
 */
function reducesToWellFormedPair(
  ab: number,
  ac: number,
  bc: number,
  a: number,
  b: number,
  c: number,
): boolean {
  // a implies b, or b implies a: the triple is {a, c}, or {b, c}; and so on.
  const reducesTo = (pair: number, sides: number) =>
    (sides & WELL_FORMED) === WELL_FORMED && (pair & APPROVE_VETOED) === 0;
  if (ab & FIRST_IMPLIES_SECOND && reducesTo(ac, a | c)) return true;
  if (ab & SECOND_IMPLIES_FIRST && reducesTo(bc, b | c)) return true;
  if (ac & FIRST_IMPLIES_SECOND && reducesTo(ab, a | b)) return true;
  if (ac & SECOND_IMPLIES_FIRST && reducesTo(bc, c | b)) return true;
  if (bc & FIRST_IMPLIES_SECOND && reducesTo(ab, b | a)) return true;
  if (bc & SECOND_IMPLIES_FIRST && reducesTo(ac, c | a)) return true;
  return false;
}
