import { seededRandom, shuffleInPlace } from './seeded-random.ts';
import { wilsonLowerBound } from './wilson.ts';

/** What rules mined on some decisions did to others: the counts a calibration pools. */
export interface HeldOutOutcome {
  /** Held-out decisions, and those of them humans denied. */
  decisions: number;
  denials: number;
  /** Held-out decisions the rules decided (approved or denied; deny wins). */
  covered: number;
  /** Held-out denials the rules would have approved. */
  falseApprovals: number;
}

/** One threshold tried, with what its rules did on the held-out folds together. */
export interface CalibrationPoint extends HeldOutOutcome {
  threshold: number;
  /** One-sided upper confidence bound on the false-approval rate (false approvals / denials). */
  falseApprovalUpperBound: number;
}

/**
 * How the threshold of a run was chosen:
 * - `calibrated`: the lowest threshold of the grid whose rules, mined on all folds but one and
 *   checked on the one left out, approved so few denied requests that the upper confidence bound
 *   on their share is within the target;
 * - `strictest`: even the strictest threshold of the grid missed the target on held-out folds,
 *   so it is used (and the promise is not made);
 * - `too-few-denials`: the history has too few denials to measure the target at all (even with no
 *   false approval, the bound would exceed it), so the fixed default threshold is used;
 * - `fixed`: the caller set the threshold;
 * - `off`: calibration was switched off (`calibrationFolds` 0), so the fixed default is used.
 */
export type CalibrationStatus = 'calibrated' | 'strictest' | 'too-few-denials' | 'fixed' | 'off';

export interface ThresholdCalibration {
  status: CalibrationStatus;
  /** The threshold the suggestions were mined at. */
  threshold: number;
  /** The promised ceiling on false approvals, as a share of denied requests. */
  targetFalseApprovalRate: number;
  confidence: number;
  folds: number;
  /** Decisions the calibration used (a seeded sample of large histories), and their denials. */
  decisions: number;
  denials: number;
  /** Decisions mined: more than `decisions` when the calibration used a sample. */
  historyDecisions: number;
  /** The held-out outcome at the chosen threshold; null when none was measured. */
  chosen: CalibrationPoint | null;
  /** Every threshold measured, ascending. */
  measured: CalibrationPoint[];
}

export interface CalibrationSettings {
  targetFalseApprovalRate: number;
  confidence: number;
  z: number;
  folds: number;
  /** Candidate thresholds, ascending. */
  grid: readonly number[];
  /** Larger histories are calibrated on a seeded sample of this many decisions. */
  maxDecisions: number;
  seed: number;
}

/** Mines on `train` at `threshold` and measures the rules on `heldOut` (both ascending decision indices). */
export type MineAndMeasure = (train: Uint32Array, heldOut: Uint32Array, threshold: number) => HeldOutOutcome;

/**
 * The fewest denials with which the target can be shown at all: with no false approval among `n`
 * denials, the upper bound is z² / (n + z²).
 */
export function denialsNeededToCalibrate(targetFalseApprovalRate: number, z: number): number {
  return Math.ceil((z * z * (1 - targetFalseApprovalRate)) / targetFalseApprovalRate);
}

/**
 * Chooses the threshold by k-fold cross-validation inside the mined decisions: for each threshold,
 * rules are mined on all folds but one and measured on the one left out, and the folds' outcomes
 * are pooled. The chosen threshold is the lowest whose pooled false-approval rate has an upper
 * confidence bound within the target. Searched by bisection over the grid (the rate falls as the
 * threshold rises), so about log2(grid) thresholds are mined per fold. Pure and deterministic.
 */
export function calibrateThreshold(
  rows: Uint32Array,
  approved: Uint8Array,
  settings: CalibrationSettings,
  mineAndMeasure: MineAndMeasure,
): Omit<ThresholdCalibration, 'status' | 'threshold'> & {
  threshold: number | null;
  status: CalibrationStatus;
} {
  const base = {
    targetFalseApprovalRate: settings.targetFalseApprovalRate,
    confidence: settings.confidence,
    folds: settings.folds,
  };
  const random = seededRandom(settings.seed);
  const order = shuffleInPlace(Uint32Array.from(rows), random);
  const sample = order.length > settings.maxDecisions ? order.subarray(0, settings.maxDecisions) : order;
  let denials = 0;
  for (const row of sample) denials += 1 - approved[row]!;
  const summary = { ...base, decisions: sample.length, denials, historyDecisions: rows.length };
  if (settings.folds < 2) return { ...summary, status: 'off', threshold: null, chosen: null, measured: [] };
  if (denials < denialsNeededToCalibrate(settings.targetFalseApprovalRate, settings.z)) {
    return { ...summary, status: 'too-few-denials', threshold: null, chosen: null, measured: [] };
  }
  const folds = Array.from({ length: settings.folds }, (_, fold) => {
    const heldOut = sample.filter((_, at) => at % settings.folds === fold).sort();
    const train = sample.filter((_, at) => at % settings.folds !== fold).sort();
    return { train, heldOut };
  });
  const measured = new Map<number, CalibrationPoint>();
  const measure = (threshold: number): CalibrationPoint => {
    const known = measured.get(threshold);
    if (known) return known;
    const pooled: HeldOutOutcome = { decisions: 0, denials: 0, covered: 0, falseApprovals: 0 };
    for (const { train, heldOut } of folds) {
      const outcome = mineAndMeasure(train, heldOut, threshold);
      pooled.decisions += outcome.decisions;
      pooled.denials += outcome.denials;
      pooled.covered += outcome.covered;
      pooled.falseApprovals += outcome.falseApprovals;
    }
    const point = {
      threshold,
      ...pooled,
      falseApprovalUpperBound:
        1 - wilsonLowerBound(pooled.denials - pooled.falseApprovals, pooled.denials, settings.z),
    };
    measured.set(threshold, point);
    return point;
  };
  const within = (point: CalibrationPoint) =>
    point.falseApprovalUpperBound <= settings.targetFalseApprovalRate;
  // Bisection for the lowest grid threshold within the target.
  let low = 0;
  let high = settings.grid.length - 1;
  const strictest = measure(settings.grid[high]!);
  let chosen: CalibrationPoint | null = within(strictest) ? strictest : null;
  while (chosen && low < high) {
    const middle = (low + high) >>> 1;
    const point = measure(settings.grid[middle]!);
    if (within(point)) {
      chosen = point;
      high = middle;
    } else low = middle + 1;
  }
  const all = [...measured.values()].sort((a, b) => a.threshold - b.threshold);
  return chosen
    ? { ...summary, status: 'calibrated', threshold: chosen.threshold, chosen, measured: all }
    : { ...summary, status: 'strictest', threshold: strictest.threshold, chosen: strictest, measured: all };
}
