import { describe, expect, it } from 'vitest';
import { generateDecisions } from '../../bench/generate-decisions.ts';
import { mineSuggestions } from '../../src/mining/mine-rules.ts';
import {
  type CalibrationSettings,
  calibrateThreshold,
  denialsNeededToCalibrate,
  type HeldOutOutcome,
} from '../../src/mining/threshold-calibration.ts';
import { oneSidedZ } from '../../src/mining/wilson.ts';

const grid = [0.9, 0.92, 0.94, 0.96, 0.98, 0.99];
const settings = (extra: Partial<CalibrationSettings> = {}): CalibrationSettings => ({
  targetFalseApprovalRate: 0.01,
  confidence: 0.95,
  z: oneSidedZ(0.95),
  folds: 5,
  grid,
  maxDecisions: 100_000,
  seed: 1,
  ...extra,
});
/** 10,000 decisions, every tenth denied. */
const rows = Uint32Array.from({ length: 10_000 }, (_, index) => index);
const approved = Uint8Array.from(rows, (row) => (row % 10 === 0 ? 0 : 1));

/** A stand-in miner whose rules approve `falseShare(threshold)` of each fold's denials. */
function miner(falseShare: (threshold: number) => number) {
  const calls: { train: number; heldOut: number; threshold: number }[] = [];
  const measure = (train: Uint32Array, heldOut: Uint32Array, threshold: number): HeldOutOutcome => {
    calls.push({ train: train.length, heldOut: heldOut.length, threshold });
    let denials = 0;
    for (const row of heldOut) denials += 1 - approved[row]!;
    return {
      decisions: heldOut.length,
      denials,
      covered: Math.round(heldOut.length * (1 - threshold)),
      falseApprovals: Math.round(denials * falseShare(threshold)),
    };
  };
  return { calls, measure };
}

describe('calibrating the threshold on held-out folds', () => {
  it('chooses the lowest threshold whose pooled upper bound is within the target, by bisection', () => {
    // 3% false approvals at 0.9, falling to 0 from 0.96 (0.1% of a fold's 200 denials rounds to none).
    const { calls, measure } = miner(
      (threshold) => ({ 0.9: 0.03, 0.92: 0.02, 0.94: 0.012, 0.96: 0.001, 0.98: 0, 0.99: 0 })[threshold]!,
    );
    const result = calibrateThreshold(rows, approved, settings(), measure);
    expect(result.status).toBe('calibrated');
    expect(result.threshold).toBe(0.96);
    expect(result.chosen).toMatchObject({
      threshold: 0.96,
      decisions: 10_000,
      denials: 1_000,
      falseApprovals: 0,
    });
    expect(result.chosen!.falseApprovalUpperBound).toBeLessThanOrEqual(0.01);
    // Every fold trains on the other four and is held out once; thresholds measured: log2 of the grid, not all.
    const thresholds = new Set(calls.map((call) => call.threshold));
    expect(thresholds.size).toBeLessThan(grid.length);
    expect(calls.every((call) => call.train + call.heldOut === 10_000 && call.heldOut === 2_000)).toBe(true);
    expect(result.measured.map((point) => point.threshold)).toEqual([...thresholds].sort((a, b) => a - b));
  });

  it('says so, and uses the strictest, when no threshold keeps within the target', () => {
    const { measure } = miner(() => 0.05);
    const result = calibrateThreshold(rows, approved, settings(), measure);
    expect(result.status).toBe('strictest');
    expect(result.threshold).toBe(0.99);
  });

  it('does not calibrate a history with too few denials to show the target', () => {
    const needed = denialsNeededToCalibrate(0.01, oneSidedZ(0.95));
    expect(needed).toBe(268);
    const few = rows.subarray(0, (needed - 1) * 10);
    const { calls, measure } = miner(() => 0);
    const result = calibrateThreshold(few, approved, settings(), measure);
    expect(result.status).toBe('too-few-denials');
    expect(result.threshold).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('samples large histories', () => {
    const { calls, measure } = miner(() => 0);
    const result = calibrateThreshold(rows, approved, settings({ maxDecisions: 5_000 }), measure);
    expect(result.decisions).toBe(5_000);
    expect(calls.every((call) => call.train + call.heldOut === 5_000)).toBe(true);
  });
});

describe('what each suggestion promises', () => {
  it('states the calibrated threshold and the held-out check, on how many decisions', () => {
    const result = mineSuggestions(generateDecisions({ decisions: 30_000, seed: 11 }));
    expect(result.calibration.status).toBe('calibrated');
    expect(result.calibration.estimator).toBe('shrunk');
    const byAction = (action: string) =>
      result.suggestions.filter((suggestion) => suggestion.action === action);
    expect(byAction('approve').length).toBeGreaterThan(0);
    expect(byAction('deny').length).toBeGreaterThan(0);
    for (const { evidence } of result.suggestions) {
      const { promise } = evidence;
      expect(promise.decisions).toBe(evidence.support);
      expect(promise.estimate).toBeGreaterThanOrEqual(promise.threshold);
      expect(promise.text).toContain(`on ${evidence.support.toLocaleString('en-US')} decisions`);
    }
    for (const { evidence } of byAction('approve')) {
      const { promise } = evidence;
      expect(promise).toMatchObject({ estimator: 'shrunk', threshold: result.calibration.threshold });
      expect(promise.heldOut).toMatchObject({
        folds: 5,
        falseApprovals: result.calibration.chosen!.falseApprovals,
      });
      expect(promise.text).toMatch(/calibrated so that false approvals stay within 1% of denied requests/);
    }
    // Deny rules keep the Wilson bound at 95% (shrunk towards the rare denial rate, none would pass).
    for (const { evidence } of byAction('deny')) {
      expect(evidence.promise).toMatchObject({ estimator: 'wilson', threshold: 0.95 });
      expect(evidence.promise.estimate).toBeCloseTo(evidence.lowerBound, 12);
      expect(evidence.promise.text).toMatch(/A deny rule approves nothing/);
    }
  });

  it('makes no promise for a fixed threshold or a history with few denials', () => {
    const records = generateDecisions({ decisions: 1_500, seed: 11 });
    const few = records.filter((record, index) => record.outcome === 'approved' || index % 40 === 0);
    const small = mineSuggestions(few);
    expect(small.calibration.status).toBe('too-few-denials');
    expect(small.calibration.threshold).toBe(0.95);
    expect(small.calibration.estimator).toBe('wilson');
    const fixed = mineSuggestions(records, { threshold: 0.9 });
    expect(fixed.calibration.status).toBe('fixed');
    expect(fixed.suggestions.some((suggestion) => suggestion.action === 'approve')).toBe(true);
    for (const suggestion of fixed.suggestions) {
      if (suggestion.action === 'approve')
        expect(suggestion.evidence.promise.text).toMatch(/set by hand; no promise/);
    }
  });
});
