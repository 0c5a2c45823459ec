/**
 * The strong baseline the mined rules are compared with: a logistic regression on a decision's
 * items and on every pair of its items (hashed), trained with FTRL-proximal, plus the measures
 * used to compare it (ROC AUC, and the best coverage at a false-approval limit with the threshold
 * chosen in hindsight). The pairs are what lets it learn "approved when A and B together" that no
 * single item explains; a rule miner that counts itemsets sees the same conjunctions.
 *
 * A model is tied to the table it was trained on: features are that table's item ids.
 */
import type { DecisionTable } from '../../src/mining/decision-table.ts';
import { seededRandom, shuffleInPlace } from '../../src/mining/seeded-random.ts';

/** Training settings; every one has a default tuned on the Amazon employee access data. */
export interface PairwiseLogisticOptions {
  /** log2 of the number of hashed weights (default 22: 4M weights, 32 MiB). */
  hashBits?: number;
  /** Whether to add the cross of every two items of a decision (default true; false: one-hot only). */
  pairs?: boolean;
  /** Passes over the shuffled rows (default 4). */
  epochs?: number;
  /** FTRL-proximal learning rate scale (default 0.1). */
  alpha?: number;
  /** FTRL-proximal learning rate smoothing (default 1). */
  beta?: number;
  /** L1 strength (default 0). */
  l1?: number;
  /** L2 strength (default 1). */
  l2?: number;
  /** Seed of the row order (default 1). */
  seed?: number;
}

/** A trained model: the weight of each hashed feature. */
export interface PairwiseLogisticModel {
  readonly hashBits: number;
  readonly pairs: boolean;
  /** `2 ** hashBits` feature weights, then the intercept. */
  readonly weights: Float64Array;
}

const defaults: Required<PairwiseLogisticOptions> = {
  hashBits: 22,
  pairs: true,
  epochs: 4,
  alpha: 0.1,
  beta: 1,
  l1: 0,
  l2: 1,
  seed: 1,
};

/**
 * Trains on `rows` (decision indices of `table`; their order does not matter) with FTRL-proximal
 * per-coordinate learning rates. Deterministic: the same table, rows and options give the same
 * weights.
 */
export function trainPairwiseLogistic(
  table: DecisionTable,
  rows: Uint32Array,
  options: PairwiseLogisticOptions = {},
): PairwiseLogisticModel {
  const settings = { ...defaults, ...options };
  const { hashBits, pairs, epochs, alpha, beta, l1, l2 } = settings;
  if (!Number.isInteger(hashBits) || hashBits < 1 || hashBits > 28) {
    throw new RangeError(`hashBits must be an integer in 1..28, got ${hashBits}`);
  }
  const slots = 2 ** hashBits + 1;
  // FTRL-proximal state per coordinate: z (the lazily shrunk gradient sum) and n (squared gradients).
  const z = new Float64Array(slots);
  const n = new Float64Array(slots);
  const weightOf = (slot: number): number => {
    const zSlot = z[slot]!;
    if (Math.abs(zSlot) <= l1) return 0;
    return -(zSlot - Math.sign(zSlot) * l1) / ((beta + Math.sqrt(n[slot]!)) / alpha + l2);
  };
  const features = new Uint32Array(featureCapacity(table, rows, pairs));
  const weights = new Float64Array(features.length);
  const order = rows.slice();
  const random = seededRandom(settings.seed);
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    shuffleInPlace(order, random);
    for (const row of order) {
      const count = featuresOf(table, row, hashBits, pairs, features);
      let margin = 0;
      for (let at = 0; at < count; at += 1) {
        weights[at] = weightOf(features[at]!);
        margin += weights[at]!;
      }
      const gradient = sigmoid(margin) - table.approved[row]!;
      const squared = gradient * gradient;
      for (let at = 0; at < count; at += 1) {
        const slot = features[at]!;
        const nSlot = n[slot]!;
        const sigma = (Math.sqrt(nSlot + squared) - Math.sqrt(nSlot)) / alpha;
        z[slot] = z[slot]! + gradient - sigma * weights[at]!;
        n[slot] = nSlot + squared;
      }
    }
  }
  const final = new Float64Array(slots);
  for (let slot = 0; slot < slots; slot += 1) if (n[slot] !== 0) final[slot] = weightOf(slot);
  return { hashBits, pairs, weights: final };
}

/** The approval probability of each of `rows` (same order) under `model`. */
export function scoreRows(
  model: PairwiseLogisticModel,
  table: DecisionTable,
  rows: Uint32Array,
): Float64Array {
  const features = new Uint32Array(featureCapacity(table, rows, model.pairs));
  const scores = new Float64Array(rows.length);
  rows.forEach((row, index) => {
    const count = featuresOf(table, row, model.hashBits, model.pairs, features);
    let margin = 0;
    for (let at = 0; at < count; at += 1) margin += model.weights[features[at]!]!;
    scores[index] = sigmoid(margin);
  });
  return scores;
}

/**
 * The area under the ROC curve of `scores` (aligned with `rows`) against the human decisions: the
 * chance that an approved row scores above a denied one, ties counting half. NaN when `rows` hold
 * only one outcome.
 */
export function areaUnderRoc(scores: Float64Array, table: DecisionTable, rows: Uint32Array): number {
  const ladder = scoreLadder(scores, table, rows);
  let approvedAbove = 0;
  let pairsWon = 0;
  for (const step of ladder.steps) {
    // Denied rows of this score lose to every approved row above and tie with those at it.
    pairsWon += step.denied * (approvedAbove + step.approved / 2);
    approvedAbove += step.approved;
  }
  return pairsWon / (ladder.approved * ladder.denied);
}

/** What auto-approving every row scored at or above `threshold` would have done to `rows`. */
export interface OperatingPoint {
  /** Share of the rows auto-approved. */
  coverage: number;
  autoApproved: number;
  /** Auto-approved rows that the human denied. */
  falseApprovals: number;
  /** `falseApprovals` over the denied rows (0 when no row was denied). */
  falseApprovalRate: number;
  /** Rows scored at or above it are auto-approved; Infinity when none is. */
  threshold: number;
}

/**
 * The largest coverage of `rows` whose false approvals stay within `maxFalseApprovalRate` of the
 * denied rows, the threshold chosen in hindsight on these same rows: an upper bound on what the
 * model could do on new rows. A threshold admits every row with its score, so tied rows are
 * auto-approved together or not at all.
 */
export function hindsightOperatingPoint(
  scores: Float64Array,
  table: DecisionTable,
  rows: Uint32Array,
  maxFalseApprovalRate: number,
): OperatingPoint {
  return bestPointOn(scoreLadder(scores, table, rows), maxFalseApprovalRate);
}

/** {@link hindsightOperatingPoint} at each false-approval limit (sorting the scores once). */
export function hindsightCurve(
  scores: Float64Array,
  table: DecisionTable,
  rows: Uint32Array,
  falseApprovalRates: readonly number[],
): (OperatingPoint & { maxFalseApprovalRate: number })[] {
  const ladder = scoreLadder(scores, table, rows);
  return falseApprovalRates.map((rate) => ({ maxFalseApprovalRate: rate, ...bestPointOn(ladder, rate) }));
}

/** The distinct scores, highest first, with how many approved and denied rows have each. */
interface ScoreLadder {
  steps: { score: number; approved: number; denied: number }[];
  approved: number;
  denied: number;
}

function scoreLadder(scores: Float64Array, table: DecisionTable, rows: Uint32Array): ScoreLadder {
  if (scores.length !== rows.length) {
    throw new RangeError(`${scores.length} scores for ${rows.length} rows`);
  }
  if (scores.some(Number.isNaN)) throw new RangeError('a score is NaN');
  const order = Uint32Array.from({ length: rows.length }, (_, index) => index).sort(
    (left, right) => scores[right]! - scores[left]! || left - right,
  );
  const steps: ScoreLadder['steps'] = [];
  let approved = 0;
  for (const index of order) {
    const score = scores[index]!;
    const isApproved = table.approved[rows[index]!] === 1;
    let step = steps.at(-1);
    if (step?.score !== score) {
      step = { score, approved: 0, denied: 0 };
      steps.push(step);
    }
    if (isApproved) {
      step.approved += 1;
      approved += 1;
    } else step.denied += 1;
  }
  return { steps, approved, denied: rows.length - approved };
}

function bestPointOn(ladder: ScoreLadder, maxFalseApprovalRate: number): OperatingPoint {
  if (!(maxFalseApprovalRate >= 0 && maxFalseApprovalRate <= 1)) {
    throw new RangeError(`maxFalseApprovalRate must be in [0, 1], got ${maxFalseApprovalRate}`);
  }
  const rateOf = (falseApprovals: number) => (ladder.denied === 0 ? 0 : falseApprovals / ladder.denied);
  const total = ladder.approved + ladder.denied;
  let best: OperatingPoint = {
    coverage: 0,
    autoApproved: 0,
    falseApprovals: 0,
    falseApprovalRate: 0,
    threshold: Number.POSITIVE_INFINITY,
  };
  let autoApproved = 0;
  let falseApprovals = 0;
  // Lowering the threshold only adds false approvals, so the admissible thresholds are a prefix.
  for (const step of ladder.steps) {
    autoApproved += step.approved + step.denied;
    falseApprovals += step.denied;
    if (rateOf(falseApprovals) > maxFalseApprovalRate) break;
    best = {
      coverage: autoApproved / total,
      autoApproved,
      falseApprovals,
      falseApprovalRate: rateOf(falseApprovals),
      threshold: step.score,
    };
  }
  return best;
}

/** Room for the features of the largest of `rows`: its items, their pairs, the intercept. */
function featureCapacity(table: DecisionTable, rows: Uint32Array, pairs: boolean): number {
  let most = 0;
  for (const row of rows) most = Math.max(most, table.itemStart[row + 1]! - table.itemStart[row]!);
  return most + (pairs ? (most * (most - 1)) / 2 : 0) + 1;
}

/** Writes the weight slots of `row`'s features into `out` and returns how many there are. */
function featuresOf(
  table: DecisionTable,
  row: number,
  hashBits: number,
  pairs: boolean,
  out: Uint32Array,
): number {
  const mask = 2 ** hashBits - 1;
  const start = table.itemStart[row]!;
  const end = table.itemStart[row + 1]!;
  let count = 0;
  for (let at = start; at < end; at += 1) {
    const item = table.items[at]!;
    out[count++] = finishHash(mixWord(singleSeed, item), 4) & mask;
    if (!pairs) continue;
    const mixed = mixWord(pairSeed, item);
    for (let other = at + 1; other < end; other += 1) {
      out[count++] = finishHash(mixWord(mixed, table.items[other]!), 8) & mask;
    }
  }
  out[count++] = mask + 1; // the intercept's own slot, past the hashed ones
  return count;
}

const singleSeed = 0x5eed_0001;
const pairSeed = 0x5eed_0002;

/** One 32-bit block of the MurmurHash3 (x86, 32-bit) body. */
function mixWord(hash: number, word: number): number {
  let block = Math.imul(word, 0xcc9e2d51);
  block = (block << 15) | (block >>> 17);
  block = Math.imul(block, 0x1b873593);
  let mixed = hash ^ block;
  mixed = (mixed << 13) | (mixed >>> 19);
  return (Math.imul(mixed, 5) + 0xe6546b64) | 0;
}

/** The MurmurHash3 finaliser: spreads every input bit over the output. */
function finishHash(hash: number, length: number): number {
  let mixed = hash ^ length;
  mixed ^= mixed >>> 16;
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return mixed >>> 0;
}

function sigmoid(margin: number): number {
  const clamped = Math.max(-35, Math.min(35, margin));
  return 1 / (1 + Math.exp(-clamped));
}
