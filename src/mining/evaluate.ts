import { z } from 'zod';
import { InvalidInputError } from '../shared/errors.ts';
import { validateInput } from '../shared/validate.ts';
import { matchRules } from './apply-suggestions.ts';
import { summarizeAutoDecisions } from './backtest.ts';
import { type DecisionTable, splitNotMe } from './decision-table.ts';
import { groupHoldoutSplit, holdoutSplit, widestRequesterAttribute } from './holdout-split.ts';
import { buildItemIndex } from './item-index.ts';
import { mineDecisionTable } from './mine-rules.ts';
import { calibrationGrid, type MiningOptionsInput, miningOptionsSchema } from './mining-options.ts';
import type { MiningCalibration } from './rule-suggestion.ts';

export { groupHoldoutSplit, holdoutSplit };

/** The goal the issue sets on realistic data. */
export const evaluationGoal = { minCoverage: 0.1, maxFalseApprovalRate: 0.01 } as const;

/** The miner before calibration, kept as the baseline every evaluation reports beside the default. */
export const baselineMiningOptions = { estimator: 'wilson', threshold: 0.95 } as const;

/** How held-out decisions are chosen: at random, or whole requester groups at a time. */
export type SplitKind = 'random' | 'group';

export const evaluationOptionsSchema = z.object({
  /** Share of decisions held out for measuring, in (0, 1). Default 0.3. */
  holdout: z.number().gt(0).lt(1).default(0.3),
  /** Seeds of the splits; the figures are given per seed and as mean and range. Default 1 to 5. */
  seeds: z.array(z.int()).min(1).max(50).default([1, 2, 3, 4, 5]),
  /** Splits to report. Default both. */
  splits: z
    .array(z.enum(['random', 'group']))
    .min(1)
    .default(['random', 'group']),
  /**
   * The requester attribute whose values are the groups of a group split (e.g. `human.MGR_ID`).
   * Default: the requester attribute with the most distinct values, the closest to a person.
   */
  groupAttribute: z.string().min(1).optional(),
  /** Thresholds of the curve; default: the calibration grid of the estimator the default run used. */
  curveThresholds: z.array(z.number().min(0.5).lt(1)).min(1).optional(),
  /** Mining options of the default run (the same as the service's unless given). */
  mining: miningOptionsSchema.partial().default({}),
});
export type EvaluationOptionsInput = z.input<typeof evaluationOptionsSchema>;

/** What a set of rules mined on the training part does to the held-out decisions. */
export interface HoldoutMetrics {
  /** The threshold mined at (for the default run: the calibrated one). */
  threshold: number;
  rules: number;
  approveRules: number;
  denyRules: number;
  /** All conditions of all rules, and their mean per rule (0 without rules). */
  conditions: number;
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

/** One split of one seed: the default run, the baseline, and the curve. */
export interface SplitRun {
  seed: number;
  trainDecisions: number;
  holdoutDecisions: number;
  /** Share of held-out decisions humans approved: what precision is to beat. */
  baseApprovalRate: number;
  heldOutDenials: number;
  /** The default run (what a governance lead gets without tuning) and how its threshold was chosen. */
  metrics: HoldoutMetrics;
  calibration: Pick<MiningCalibration, 'status' | 'threshold' | 'estimator' | 'chosen'>;
  /** The miner before calibration ({@link baselineMiningOptions}). */
  baseline: HoldoutMetrics;
  /** One point per curve threshold, ascending, with the default run's estimator. */
  curve: HoldoutMetrics[];
  /** The point of the curve with the most coverage within the false-approval limit (hindsight). */
  best: HoldoutMetrics | null;
}

/** Mean, lowest and highest of a figure over the seeds. */
export interface Spread {
  mean: number;
  min: number;
  max: number;
}

/** The figures of a split over its seeds. */
export interface SplitSummary {
  coverage: Spread;
  falseApprovalRate: Spread;
  rules: Spread;
  averageConditions: Spread;
}

export interface SplitEvaluation {
  split: SplitKind;
  /** The attribute whose groups were held out whole (group splits). */
  groupAttribute: string | null;
  runs: SplitRun[];
  summary: { default: SplitSummary; best: SplitSummary | null; baseline: SplitSummary };
  /** Seeds whose default run kept false approvals within the limit. */
  seedsWithinLimit: number;
}

/** An offline evaluation: mine on training parts, measure on held-out parts. */
export interface EvaluationReport {
  decisions: number;
  /** False when the table says nothing about approvers: the distinct-approver gate is then off. */
  approverGate: boolean;
  holdout: number;
  seeds: number[];
  /** The false-approval limit the figures are judged on: the runs' calibration target. */
  limit: { minCoverage: number; maxFalseApprovalRate: number };
  splits: SplitEvaluation[];
}

/**
 * Mines on training parts of `table` and measures on the held-out parts: for each split kind and
 * seed, the default run (calibrated like the service's), the baseline, and a curve over
 * thresholds. Pure and deterministic for given seeds.
 */
export function evaluateMining(table: DecisionTable, options: EvaluationOptionsInput = {}): EvaluationReport {
  const settings = validateInput(evaluationOptionsSchema, options, 'evaluation options');
  const approverGate = table.approvers.length > 0;
  const gateOff = approverGate ? {} : { minDistinctApprovers: 0 };
  const plan: EvaluationPlan = {
    mining: { ...settings.mining, ...gateOff },
    baseline: { ...baselineMiningOptions, ...gateOff },
    curveThresholds: settings.curveThresholds,
    limit: { ...evaluationGoal, maxFalseApprovalRate: settings.mining.maxFalseApprovalRate ?? 0.01 },
  };
  const { limit } = plan;
  const groupAttribute = settings.splits.includes('group')
    ? (settings.groupAttribute ?? widestRequesterAttribute(table) ?? null)
    : null;
  if (settings.splits.includes('group') && groupAttribute === null) {
    throw new InvalidInputError('evaluation options', [
      {
        location: 'splits',
        message: 'a group split needs a requester attribute, and the decisions have none',
      },
    ]);
  }

  const splits = settings.splits.map((split): SplitEvaluation => {
    const runs = settings.seeds.map((seed) => {
      const parts =
        split === 'random'
          ? holdoutSplit(table.size, settings.holdout, seed)
          : groupHoldoutSplit(table, groupAttribute!, settings.holdout, seed);
      return evaluateSplit(table, parts, seed, plan);
    });
    const pick = (get: (run: SplitRun) => HoldoutMetrics | null) => summarize(runs.map(get));
    return {
      split,
      groupAttribute: split === 'group' ? groupAttribute : null,
      runs,
      summary: {
        default: pick((run) => run.metrics)!,
        best: pick((run) => run.best),
        baseline: pick((run) => run.baseline)!,
      },
      seedsWithinLimit: runs.filter((run) => run.metrics.falseApprovalRate <= limit.maxFalseApprovalRate)
        .length,
    };
  });
  return {
    decisions: table.size,
    approverGate,
    holdout: settings.holdout,
    seeds: settings.seeds,
    limit,
    splits,
  };
}

/** What each split of an evaluation mines and measures. */
interface EvaluationPlan {
  mining: MiningOptionsInput;
  baseline: MiningOptionsInput;
  curveThresholds: number[] | undefined;
  limit: EvaluationReport['limit'];
}

function evaluateSplit(
  table: DecisionTable,
  parts: { train: Uint32Array; test: Uint32Array },
  seed: number,
  plan: EvaluationPlan,
): SplitRun {
  const { mining, curveThresholds, limit } = plan;
  const { train } = parts;
  // Held-out "not me" decisions are no approver's decision to measure against: counted apart.
  const { counted: test, notMe: testNotMe } = splitNotMe(table, parts.test);
  const testIndex = buildItemIndex(table, parts.test);
  let approvedInTest = 0;
  for (const row of test) approvedInTest += table.approved[row]!;
  const deniedInTest = test.length - approvedInTest;
  const measure = (options: MiningOptionsInput) => {
    const result = mineDecisionTable(table, options, [], train);
    const { suggestions } = result;
    const matches = matchRules(table, testIndex, suggestions);
    const summary = summarizeAutoDecisions(table, test, matches.approved, matches.denied);
    let notMeApproved = 0;
    for (const row of testNotMe) if (matches.approved[row] && !matches.denied[row]) notMeApproved += 1;
    const approveRules = suggestions.filter((suggestion) => suggestion.action === 'approve').length;
    const conditions = suggestions.reduce((sum, suggestion) => sum + suggestion.conditions.length, 0);
    const metrics: HoldoutMetrics = {
      threshold: result.calibration.threshold,
      rules: suggestions.length,
      approveRules,
      denyRules: suggestions.length - approveRules,
      conditions,
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
    return { metrics, calibration: result.calibration };
  };
  const chosen = measure(mining);
  const baseline = measure(plan.baseline).metrics;
  const estimator = chosen.calibration.estimator;
  const thresholds = [
    ...new Set([...(curveThresholds ?? calibrationGrid[estimator]), chosen.metrics.threshold]),
  ].sort((a, b) => a - b);
  const curve = thresholds.map((threshold) => measure({ ...mining, estimator, threshold }).metrics);
  const best = curve
    .filter((point) => point.falseApprovalRate <= limit.maxFalseApprovalRate)
    .reduce<HoldoutMetrics | null>(
      (top, point) => (top === null || point.coverage > top.coverage ? point : top),
      null,
    );
  const { status, threshold, chosen: heldOut } = chosen.calibration;
  return {
    seed,
    trainDecisions: splitNotMe(table, train).counted.length,
    holdoutDecisions: test.length,
    baseApprovalRate: test.length === 0 ? 0 : approvedInTest / test.length,
    heldOutDenials: deniedInTest,
    metrics: chosen.metrics,
    calibration: { status, threshold, estimator, chosen: heldOut },
    baseline,
    curve,
    best,
  };
}

/** Mean, lowest and highest of some figures. */
export function spread(values: number[]): Spread {
  return {
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** The spread of each figure over the seeds; null when a seed has no such point. */
function summarize(points: (HoldoutMetrics | null)[]): SplitSummary | null {
  if (points.some((point) => point === null)) return null;
  const present = points as HoldoutMetrics[];
  return {
    coverage: spread(present.map((point) => point.coverage)),
    falseApprovalRate: spread(present.map((point) => point.falseApprovalRate)),
    rules: spread(present.map((point) => point.rules)),
    averageConditions: spread(present.map((point) => point.averageConditions)),
  };
}
