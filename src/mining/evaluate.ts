import { z } from 'zod';
import { validateInput } from '../shared/validate.ts';
import { matchRules } from './apply-suggestions.ts';
import { summarizeAutoDecisions } from './backtest.ts';
import { type DecisionTable, splitNotMe } from './decision-table.ts';
import { buildItemIndex } from './item-index.ts';
import { mineDecisionTable } from './mine-rules.ts';
import { miningOptionsSchema } from './mining-options.ts';
import { seededRandom, shuffleInPlace } from './seeded-random.ts';

/** The coverage-vs-false-approval curve is drawn at these thresholds (plus the one asked for). */
export const defaultCurveThresholds = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99] as const;

/** The goal the issue sets on realistic data. */
export const evaluationGoal = { minCoverage: 0.1, maxFalseApprovalRate: 0.01 } as const;

export const evaluationOptionsSchema = z.object({
  /** Share of decisions held out for measuring, in (0, 1). Default 0.3. */
  holdout: z.number().gt(0).lt(1).default(0.3),
  /** Seed of the holdout split. Default 1. */
  seed: z.int().default(1),
  /** Thresholds of the curve. */
  curveThresholds: z.array(z.number().min(0.5).lt(1)).default([...defaultCurveThresholds]),
  /** Mining options; `threshold` is where the headline figures are taken. */
  mining: miningOptionsSchema.partial().default({}),
});
export type EvaluationOptionsInput = z.input<typeof evaluationOptionsSchema>;

/** What the rules mined on the training part do to the held-out decisions. */
export interface HoldoutMetrics {
  threshold: number;
  rules: number;
  approveRules: number;
  denyRules: number;
  /** Mean number of conditions per rule (0 without rules). */
  averageConditions: number;
  /** Share of held-out decisions a rule takes (auto-approved or auto-denied; deny wins). */
  coverage: number;
  autoApproved: number;
  autoDenied: number;
  /** Share of auto-approvals that humans approved; null without auto-approvals. */
  approvalPrecision: number | null;
  /** Share of auto-denials that humans denied; null without auto-denials. */
  denialPrecision: number | null;
  /** Held-out decisions humans denied that a rule approves, and their share of all denied ones. */
  falseApprovals: number;
  falseApprovalRate: number;
  /** Held-out decisions humans approved that a rule denies. */
  falseDenials: number;
  /**
   * Held-out decisions a person called "not me" that a rule approves (they are in none of the
   * figures above). The veto keeps those seen in training out; this measures the ones it could not see.
   */
  notMeApproved: number;
}

/** An offline evaluation: mine on a training part, measure on the held-out part. */
export interface EvaluationReport {
  decisions: number;
  /** Decisions mined on, and measured on: approvers' decisions ("not me" ones are apart). */
  trainDecisions: number;
  holdoutDecisions: number;
  seed: number;
  /** Share of held-out decisions humans approved: what precision is to beat. */
  baseApprovalRate: number;
  /** Held-out decisions humans denied. */
  heldOutDenials: number;
  /** False when the table says nothing about approvers: the distinct-approver gate is then off. */
  approverGate: boolean;
  /** At the configured threshold. */
  metrics: HoldoutMetrics;
  /** One point per threshold, ascending. */
  curve: HoldoutMetrics[];
  /** The best coverage within the false-approval limit along the curve, against the goal. */
  goal: {
    minCoverage: number;
    maxFalseApprovalRate: number;
    met: boolean;
    best: HoldoutMetrics | null;
  };
}

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
 * Mines on a seeded random training part of `table` at each threshold of the curve and measures
 * the suggestions on the held-out part. Pure and deterministic for a given seed.
 */
export function evaluateMining(table: DecisionTable, options: EvaluationOptionsInput = {}): EvaluationReport {
  const settings = validateInput(evaluationOptionsSchema, options, 'evaluation options');
  const approverGate = table.approvers.length > 0;
  const mining = miningOptionsSchema.parse({
    ...settings.mining,
    ...(approverGate ? {} : { minDistinctApprovers: 0 }),
  });
  const split = holdoutSplit(table.size, settings.holdout, settings.seed);
  const { train } = split;
  // Held-out "not me" decisions are no approver's decision to measure against: counted apart.
  const { counted: test, notMe: testNotMe } = splitNotMe(table, split.test);
  const testIndex = buildItemIndex(table, split.test);
  let approvedInTest = 0;
  for (const row of test) approvedInTest += table.approved[row]!;
  const deniedInTest = test.length - approvedInTest;

  const measure = (threshold: number): HoldoutMetrics => {
    const { suggestions } = mineDecisionTable(table, { ...mining, threshold }, [], train);
    const matches = matchRules(table, testIndex, suggestions);
    const summary = summarizeAutoDecisions(table, test, matches.approved, matches.denied);
    let notMeApproved = 0;
    for (const row of testNotMe) if (matches.approved[row] && !matches.denied[row]) notMeApproved += 1;
    const approveRules = suggestions.filter((suggestion) => suggestion.action === 'approve').length;
    const conditions = suggestions.reduce((sum, suggestion) => sum + suggestion.conditions.length, 0);
    return {
      threshold,
      rules: suggestions.length,
      approveRules,
      denyRules: suggestions.length - approveRules,
      averageConditions: suggestions.length === 0 ? 0 : conditions / suggestions.length,
      coverage: summary.coverage,
      autoApproved: summary.autoApproved,
      autoDenied: summary.autoDenied,
      approvalPrecision:
        summary.autoApproved === 0
          ? null
          : (summary.autoApproved - summary.falseApprovals) / summary.autoApproved,
      denialPrecision:
        summary.autoDenied === 0 ? null : (summary.autoDenied - summary.falseDenials) / summary.autoDenied,
      falseApprovals: summary.falseApprovals,
      falseApprovalRate: deniedInTest === 0 ? 0 : summary.falseApprovals / deniedInTest,
      falseDenials: summary.falseDenials,
      notMeApproved,
    };
  };

  const thresholds = [...new Set([...settings.curveThresholds, mining.threshold])].sort((a, b) => a - b);
  const curve = thresholds.map(measure);
  const metrics = curve.find((point) => point.threshold === mining.threshold)!;
  const withinLimit = curve.filter((point) => point.falseApprovalRate <= evaluationGoal.maxFalseApprovalRate);
  const best = withinLimit.reduce<HoldoutMetrics | null>(
    (top, point) => (top === null || point.coverage > top.coverage ? point : top),
    null,
  );
  return {
    decisions: table.size,
    trainDecisions: splitNotMe(table, train).counted.length,
    holdoutDecisions: test.length,
    seed: settings.seed,
    baseApprovalRate: test.length === 0 ? 0 : approvedInTest / test.length,
    heldOutDenials: deniedInTest,
    approverGate,
    metrics,
    curve,
    goal: {
      ...evaluationGoal,
      met: best !== null && best.coverage >= evaluationGoal.minCoverage,
      best,
    },
  };
}
