import { describe, expect, it } from 'vitest';
import { generateDecisions } from '../../bench/generate-decisions.ts';
import { encodeDecisionRecords } from '../../src/mining/encode-decision-records.ts';
import { evaluateMining, holdoutSplit } from '../../src/mining/evaluate.ts';

describe('offline evaluation', () => {
  it('splits reproducibly into disjoint parts of the asked size', () => {
    const first = holdoutSplit(1_000, 0.3, 42);
    expect(first.test).toHaveLength(300);
    expect(first.train).toHaveLength(700);
    expect(new Set([...first.test, ...first.train]).size).toBe(1_000);
    expect(holdoutSplit(1_000, 0.3, 42)).toEqual(first);
    expect(holdoutSplit(1_000, 0.3, 43).test).not.toEqual(first.test);
  });

  it('meets the goal on the synthetic history: >= 10% coverage at <= 1% false approvals', () => {
    const table = encodeDecisionRecords(generateDecisions({ decisions: 60_000, seed: 21 }));
    const report = evaluateMining(table, { holdout: 0.3, seed: 1, curveThresholds: [0.8, 0.95] });
    expect(report.trainDecisions).toBe(42_000);
    expect(report.holdoutDecisions).toBe(18_000);
    expect(report.approverGate).toBe(true);
    expect(report.curve.map((point) => point.threshold)).toEqual([0.8, 0.95]);
    const { metrics } = report;
    expect(metrics.threshold).toBe(0.95);
    expect(metrics.coverage).toBeGreaterThanOrEqual(0.1);
    expect(metrics.falseApprovalRate).toBeLessThanOrEqual(0.01);
    expect(metrics.approvalPrecision!).toBeGreaterThan(report.baseApprovalRate);
    expect(metrics.falseApprovals).toBe(Math.round(metrics.falseApprovalRate * report.heldOutDenials));
    expect(metrics.averageConditions).toBeGreaterThanOrEqual(2);
    expect(metrics.averageConditions).toBeLessThanOrEqual(3);
    // A lower threshold decides more, and wrongly more often.
    expect(report.curve[0]!.coverage).toBeGreaterThan(metrics.coverage);
    expect(report.curve[0]!.falseApprovalRate).toBeGreaterThan(metrics.falseApprovalRate);
    expect(report.goal.met).toBe(true);
  });
});
