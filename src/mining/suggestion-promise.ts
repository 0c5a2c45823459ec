import { formatShare as percent } from './format-share.ts';
import type { RuleAction } from './rule-condition.ts';
import type { EstimatorName, MiningCalibration } from './rule-suggestion.ts';

/** A run's check on decisions it was not mined on, at the chosen threshold, pooled over the folds. */
export interface HeldOutCheck {
  folds: number;
  decisions: number;
  denials: number;
  /** Held-out decisions the rules decided. */
  covered: number;
  falseApprovals: number;
  falseApprovalUpperBound: number;
}

/** The held-out check of a run; null when none was measured. */
export function heldOutCheckOf(calibration: Omit<MiningCalibration, 'measured'>): HeldOutCheck | null {
  const { chosen } = calibration;
  if (!chosen) return null;
  const { decisions, denials, covered, falseApprovals, falseApprovalUpperBound } = chosen;
  return { folds: calibration.folds, decisions, denials, covered, falseApprovals, falseApprovalUpperBound };
}

/** What a suggestion promises, and on how many decisions: part of its evidence. */
export interface SuggestionPromise {
  /** How its rate was judged, the judged rate, and the threshold it cleared. */
  estimator: EstimatorName;
  estimate: number;
  threshold: number;
  /** Decisions its own rate stands on. */
  decisions: number;
  /** How the threshold was chosen (see `ThresholdCalibration`). */
  calibration: MiningCalibration['status'];
  targetFalseApprovalRate: number;
  confidence: number;
  /**
   * For an approve suggestion of a calibrated run: what the run's rules, mined on all folds but
   * one, did to the fold left out, pooled over the folds. Null for deny suggestions (the check is
   * about approvals) and runs without a check.
   */
  heldOut: HeldOutCheck | null;
  /** The promise in one or two sentences, for people. */
  text: string;
}

const count = (value: number) => value.toLocaleString('en-US');

/** What a suggestion's own rate stands on. */
export interface SuggestionGate {
  action: RuleAction;
  /** The judged rate it cleared the threshold with. */
  estimate: number;
  /** Decisions it matched. */
  decisions: number;
  /** How its rate was judged, and the threshold it cleared. */
  estimator: EstimatorName;
  threshold: number;
  /** Confidence of the Wilson bound, when that is the estimator. */
  boundConfidence: number;
}

/** The promise of one suggestion of a run. Pure. */
export function suggestionPromise(
  { action, estimate, decisions, estimator, threshold, boundConfidence }: SuggestionGate,
  calibration: MiningCalibration,
): SuggestionPromise {
  const rateName = action === 'approve' ? 'approval rate' : 'denial rate';
  const judged =
    estimator === 'shrunk'
      ? `Its ${rateName}, shrunk towards the usual rate, is ${percent(estimate)} on ${count(decisions)} decisions`
      : `The lower bound of its ${rateName} (${percent(boundConfidence)} confidence) is ${percent(estimate)} on ${count(decisions)} decisions`;
  // The held-out check is about approvals: a deny rule has none of its own.
  const heldOut = action === 'approve' ? heldOutCheckOf(calibration) : null;
  const why =
    action === 'approve'
      ? calibrationSentence(calibration)
      : 'A deny rule approves nothing: the promise on false approvals is not about it, and it wins over approve rules.';
  return {
    estimator,
    estimate,
    threshold,
    decisions,
    calibration: calibration.status,
    targetFalseApprovalRate: calibration.targetFalseApprovalRate,
    confidence: calibration.confidence,
    heldOut,
    text: `${judged}, at or above the threshold ${percent(threshold)}. ${why}`,
  };
}

/** How a run's threshold was chosen and what that promises, in a sentence or two. Pure. */
export function calibrationSentence(calibration: Omit<MiningCalibration, 'measured'>): string {
  const { chosen } = calibration;
  const target = percent(calibration.targetFalseApprovalRate);
  const onFolds = chosen
    ? `on ${calibration.folds} held-out folds, rules mined this way approved ${count(chosen.falseApprovals)} of ${count(chosen.denials)} denied requests (at most ${percent(chosen.falseApprovalUpperBound)} at ${percent(calibration.confidence)} confidence)`
    : '';
  const threshold = percent(calibration.threshold);
  const sampled =
    calibration.decisions < calibration.historyDecisions
      ? ` The check ran on a seeded sample of ${count(calibration.decisions)} of the ${count(calibration.historyDecisions)} decisions; the rules mined on all of them may include groups too small to take part in it.`
      : '';
  return {
    calibrated: `The threshold ${threshold} was calibrated so that false approvals stay within ${target} of denied requests: ${onFolds}.${sampled}`,
    strictest: `No threshold kept false approvals provably within ${target} of denied requests, not even the strictest (${threshold}): ${onFolds}. So no approve rule is suggested.`,
    'too-few-denials': `The history has too few denials (${count(calibration.denials)}) to show false approvals within ${target}, so the fixed threshold ${threshold} applies and no promise is made.`,
    fixed: `The threshold ${threshold} was set by hand; no promise on false approvals is made.`,
    off: `Calibration is switched off, so the fixed threshold ${threshold} applies and no promise is made.`,
  }[calibration.status];
}
