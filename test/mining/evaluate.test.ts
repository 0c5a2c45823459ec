import { describe, expect, it } from 'vitest';
import { generateDecisions } from '../../bench/generate-decisions.ts';
import { encodeDecisionRecords } from '../../src/mining/encode-decision-records.ts';
import { evaluateMining, groupHoldoutSplit, holdoutSplit } from '../../src/mining/evaluate.ts';
import { requesterGroups } from '../../src/mining/holdout-split.ts';
import { ApertureError } from '../../src/shared/errors.ts';

describe('offline evaluation', () => {
  it('splits reproducibly into disjoint parts of the asked size', () => {
    const first = holdoutSplit(1_000, 0.3, 42);
    expect(first.test).toHaveLength(300);
    expect(first.train).toHaveLength(700);
    expect(new Set([...first.test, ...first.train]).size).toBe(1_000);
    expect(holdoutSplit(1_000, 0.3, 42)).toEqual(first);
    expect(holdoutSplit(1_000, 0.3, 43).test).not.toEqual(first.test);
  });

  it('holds out whole requester groups: no group is on both sides', () => {
    const table = encodeDecisionRecords(generateDecisions({ decisions: 5_000, seed: 2 }));
    const split = groupHoldoutSplit(table, 'human.title', 0.3, 7);
    expect(split.train.length + split.test.length).toBe(5_000);
    expect(split.test.length).toBeGreaterThanOrEqual(1_500);
    expect(split.test.length).toBeLessThan(3_000);
    const groups = requesterGroups(table, 'human.title');
    const held = new Set(Array.from(split.test, (row) => groups[row]));
    expect(Array.from(split.train).some((row) => held.has(groups[row]!))).toBe(false);
    expect(groupHoldoutSplit(table, 'human.title', 0.3, 7)).toEqual(split);
    expect(() => groupHoldoutSplit(table, 'human.nope', 0.3, 7)).toThrow(ApertureError);
  });

  it('keeps the default within 1% false approvals on held-out decisions, for random and group splits, beside the baseline', () => {
    const table = encodeDecisionRecords(generateDecisions({ decisions: 40_000, seed: 21 }));
    const report = evaluateMining(table, { seeds: [1, 2], curveThresholds: [0.9, 0.95, 0.99] });
    expect(report.splits.map((split) => split.split)).toEqual(['random', 'group']);
    expect(report.splits[1]!.groupAttribute).toMatch(/^human\./);
    for (const split of report.splits) {
      expect(split.runs.map((run) => run.seed)).toEqual([1, 2]);
      expect(split.seedsWithinLimit).toBe(2);
      for (const run of split.runs) {
        expect(run.calibration.status).toBe('calibrated');
        expect(run.metrics.falseApprovalRate).toBeLessThanOrEqual(0.01);
        expect(run.metrics.falseApprovals).toBe(
          Math.round(run.metrics.falseApprovalRate * run.heldOutDenials),
        );
        // Departments are what the planted rules name: only the random split can find them all.
        if (split.split === 'random') expect(run.metrics.coverage).toBeGreaterThanOrEqual(0.1);
        expect(run.metrics.rules).toBeLessThanOrEqual(40);
        expect(run.metrics.averageConditions).toBeLessThanOrEqual(3);
        expect(run.curve.map((point) => point.threshold)).toEqual(
          [...new Set([0.9, 0.95, 0.99, run.calibration.threshold])].sort((a, b) => a - b),
        );
        // A lower threshold decides at least as much.
        expect(run.curve[0]!.coverage).toBeGreaterThanOrEqual(run.curve.at(-1)!.coverage);
        expect(run.baseline.threshold).toBe(0.95);
      }
      const coverages = split.runs.map((run) => run.metrics.coverage);
      expect(split.summary.default.coverage).toEqual({
        mean: (coverages[0]! + coverages[1]!) / 2,
        min: Math.min(...coverages),
        max: Math.max(...coverages),
      });
    }
  });

  it('refuses a group split by an attribute the decisions do not have', () => {
    const table = encodeDecisionRecords(generateDecisions({ decisions: 2_000, seed: 2 }));
    expect(() => evaluateMining(table, { splits: ['group'], groupAttribute: 'human.nope' })).toThrow(
      /no attribute human\.nope/,
    );
  });
});
