import { summarizeAutoDecisions } from './backtest.ts';
import type { DecisionTable } from './decision-table.ts';
import type { CandidateLimits } from './frequent-itemsets.ts';
import { buildItemIndex, rowsWithAll } from './item-index.ts';
import {
  calibrationGrid,
  calibrationSampleLimit,
  fallbackThreshold,
  type MiningOptions,
} from './mining-options.ts';
import { shrunkEstimator, wilsonEstimator } from './rate-estimate.ts';
import type { EstimatorName, MiningCalibration } from './rule-suggestion.ts';
import { type RuleSelection, selectRules } from './select-rules.ts';
import { calibrateThreshold, type HeldOutOutcome } from './threshold-calibration.ts';
import { oneSidedZ } from './wilson.ts';

/** What approve suggestions must clear; null when none may be suggested. */
export type ApproveGate = { estimator: EstimatorName; threshold: number } | null;

/**
 * The gates of a run. Approve suggestions clear the calibrated (or set) threshold with the run's
 * estimator; none is suggested when even the strictest threshold missed the target (`null`).
 * Deny suggestions, which the promise is not about and which win over approvals, keep the Wilson
 * bound at the fixed default threshold (or the one set): shrunk towards the rare denial rate, a
 * deny group would need hundreds of denials.
 */
export function gatesOf(settings: MiningOptions, approve: ApproveGate, z: number): CandidateLimits['gates'] {
  const wilson = wilsonEstimator(z);
  return {
    approve: approve
      ? {
          estimator: approve.estimator === 'shrunk' ? shrunkEstimator(settings.priorStrength) : wilson,
          threshold: approve.threshold,
        }
      : { estimator: wilson, threshold: 1 },
    deny: { estimator: wilson, threshold: settings.threshold ?? fallbackThreshold },
  };
}

/** The approve gate a run's calibration leads to. */
export function approveGateOf(calibration: MiningCalibration): ApproveGate {
  return calibration.status === 'strictest'
    ? null
    : { estimator: calibration.estimator, threshold: calibration.threshold };
}

/**
 * The threshold and estimator a run mines at, with how the threshold was chosen: set by hand,
 * calibration switched off, or calibrated on `counted` (the approvers' decisions of the run), the
 * fixed default when those have too few denials to show the target.
 */
export function chooseThreshold(
  table: DecisionTable,
  counted: Uint32Array,
  settings: MiningOptions,
  z: number,
): MiningCalibration {
  const denials = countDenied(table, counted);
  const uncalibrated = (
    status: 'fixed' | 'off' | 'too-few-denials',
    threshold: number,
  ): MiningCalibration => ({
    status,
    threshold,
    estimator: settings.estimator === 'shrunk' ? 'shrunk' : 'wilson',
    targetFalseApprovalRate: settings.maxFalseApprovalRate,
    confidence: settings.calibrationConfidence,
    folds: 0,
    decisions: counted.length,
    denials,
    historyDecisions: counted.length,
    chosen: null,
    measured: [],
  });
  if (settings.threshold !== undefined) return uncalibrated('fixed', settings.threshold);
  if (settings.calibrationFolds < 2) return uncalibrated('off', fallbackThreshold);
  const estimator: EstimatorName = settings.estimator === 'wilson' ? 'wilson' : 'shrunk';
  // The folds keep no examples: only which rules survive matters there.
  const foldSettings = { ...settings, exampleCount: 0 };
  const result = calibrateThreshold(
    counted,
    table.approved,
    {
      targetFalseApprovalRate: settings.maxFalseApprovalRate,
      confidence: settings.calibrationConfidence,
      z: oneSidedZ(settings.calibrationConfidence),
      folds: settings.calibrationFolds,
      grid: calibrationGrid[estimator],
      maxDecisions: calibrationSampleLimit,
      seed: 1,
    },
    (train, heldOut, threshold) => {
      const gates = gatesOf(foldSettings, { estimator, threshold }, z);
      return measureOn(table, heldOut, selectRules(table, foldSettings, gates, z, [], train));
    },
  );
  if (result.threshold === null) return uncalibrated('too-few-denials', fallbackThreshold);
  return { ...result, threshold: result.threshold, estimator };
}

/** What the selected rules decide among `rows` (deny wins): the held-out outcome a calibration pools. */
function measureOn(table: DecisionTable, rows: Uint32Array, { selected }: RuleSelection): HeldOutOutcome {
  const index = buildItemIndex(table, rows);
  const approved = new Uint8Array(table.size);
  const denied = new Uint8Array(table.size);
  for (const { candidate } of selected) {
    const marks = candidate.action === 'approve' ? approved : denied;
    for (const row of rowsWithAll(index, candidate.items)) marks[row] = 1;
  }
  const summary = summarizeAutoDecisions(table, rows, approved, denied);
  return {
    decisions: rows.length,
    denials: countDenied(table, rows),
    covered: summary.autoApproved + summary.autoDenied,
    falseApprovals: summary.falseApprovals,
  };
}

function countDenied(table: DecisionTable, rows: Uint32Array): number {
  let denials = 0;
  for (const row of rows) denials += 1 - table.approved[row]!;
  return denials;
}
