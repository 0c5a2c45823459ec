import type { Backtest, BacktestSummary } from './backtest.ts';
import type { DecisionEvidence } from './evidence.ts';
import type { RuleConflict } from './existing-rules.ts';
import type { Reach } from './reach.ts';
import type { RuleAction, RuleCondition } from './rule-condition.ts';
import type { SuggestionPromise } from './suggestion-promise.ts';
import type { ThresholdCalibration } from './threshold-calibration.ts';
import type { VetoedSuggestion } from './vetoed-suggestions.ts';

/** How a run judged rates: the Wilson lower bound, or the rate shrunk towards the base rate. */
export type EstimatorName = 'wilson' | 'shrunk';

/** How a run's threshold was chosen, and the estimator it applies to. */
export type MiningCalibration = ThresholdCalibration & { estimator: EstimatorName };

/**
 * A rule the miner suggests: a conjunction of 2 or 3 conditions that pins the resource side and
 * names the requester, with the evidence a governance lead reviews before turning it into a rule.
 */
export interface RuleSuggestion {
  /** Stable and readable: the action and the conditions (see `suggestionId`). */
  id: string;
  action: RuleAction;
  /** Resource conditions first, then requester, then request conditions. */
  conditions: RuleCondition[];
  /** `promise`: what it promises, the estimate and threshold it cleared and the run's held-out check. */
  evidence: DecisionEvidence & { backtest: Backtest; reach: Reach; promise: SuggestionPromise };
  /** Existing rules of the other action this one overlaps (see `conditionsOverlap`). */
  conflicts: RuleConflict[];
}

/** What one mining run found, with the numbers behind it. */
export interface MiningResult {
  suggestions: RuleSuggestion[];
  /** Approve rules the decisions support that are not suggested: they would approve "not me" requests. */
  vetoed: VetoedSuggestion[];
  /**
   * The gate the suggestions cleared and what it promises: the threshold, the estimator, and (when
   * calibrated) the false approvals its rules made on held-out folds of the history.
   */
  calibration: MiningCalibration;
  /** All suggestions together, replayed over the mined decisions (deny wins). */
  backtest: BacktestSummary;
  stats: {
    /** Decisions counted: approvers' decisions ("not me" ones apart). */
    decisions: number;
    /** Decisions the person called "not me": the veto's evidence, in no count. */
    notMeDecisions: number;
    /** Distinct attribute values, and those frequent enough to matter. */
    items: number;
    frequentItems: number;
    pairsCounted: number;
    triplesCounted: number;
    /** Conjunctions that cleared support and the bound, before pruning. */
    candidates: number;
    /** Removed because a suggestion with a subset of their conditions exists. */
    removedSubsumed: number;
    /** Removed because one broader suggestion matches every decision they match. */
    removedRedundant: number;
    /** Removed because the other suggestions together match all but a few of their decisions. */
    removedCoveredByOthers: number;
    removedCoveredByExistingRule: number;
    removedTooFewApprovers: number;
    /** Approve conjunctions that cleared the bound but match a "not me" decision. */
    removedNotMe: number;
  };
}
