import type { Backtest, BacktestSummary } from './backtest.ts';
import type { DecisionEvidence } from './evidence.ts';
import type { RuleConflict } from './existing-rules.ts';
import type { Reach } from './reach.ts';
import type { RuleAction, RuleCondition } from './rule-condition.ts';
import type { VetoedSuggestion } from './vetoed-suggestions.ts';

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
  evidence: DecisionEvidence & { backtest: Backtest; reach: Reach };
  /** Existing rules of the other action this one overlaps (see `conditionsOverlap`). */
  conflicts: RuleConflict[];
}

/** What one mining run found, with the numbers behind it. */
export interface MiningResult {
  suggestions: RuleSuggestion[];
  /** Approve rules the decisions support that are not suggested: they would approve "not me" requests. */
  vetoed: VetoedSuggestion[];
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
