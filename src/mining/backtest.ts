import type { DecisionTable } from './decision-table.ts';
import type { RuleAction } from './rule-condition.ts';

/** What a suggestion would have done to the mined history, had it been a rule alongside the others. */
export interface Backtest {
  /**
   * Decisions it would have taken instead of a human. Deny wins: an approve suggestion does not
   * take a decision that one of the deny suggestions also matches.
   */
  autoDecided: number;
  /** Of those, how many humans decided the same way, and how many otherwise. */
  agreed: number;
  overturned: number;
  /** overturned / autoDecided (0 when it decides nothing). */
  overturnRate: number;
  /** The first and last of those decisions (ISO), null when unknown. */
  from: string | null;
  to: string | null;
}

/** What all suggestions together would have decided in the mined history. */
export interface BacktestSummary {
  decisions: number;
  autoApproved: number;
  autoDenied: number;
  /** Share of decisions taken by a suggestion. */
  coverage: number;
  /** Auto-approved decisions that a human denied, and auto-denied ones a human approved. */
  falseApprovals: number;
  falseDenials: number;
}

/**
 * Replays one suggestion over the decisions it matches. `deniedBySuggestion` marks the decisions
 * some deny suggestion matches (indexed by decision), for deny-wins.
 */
export function backtestSuggestion(
  table: DecisionTable,
  rows: Uint32Array,
  action: RuleAction,
  deniedBySuggestion: Uint8Array,
): Backtest {
  const agreeingOutcome = action === 'approve' ? 1 : 0;
  let autoDecided = 0;
  let agreed = 0;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    if (action === 'approve' && deniedBySuggestion[row]) continue;
    autoDecided += 1;
    if (table.approved[row] === agreeingOutcome) agreed += 1;
    const decidedAt = table.decidedAt[row]!;
    if (decidedAt < from) from = decidedAt;
    if (decidedAt > to) to = decidedAt;
  }
  const iso = (time: number) => (Number.isFinite(time) ? new Date(time).toISOString() : null);
  return {
    autoDecided,
    agreed,
    overturned: autoDecided - agreed,
    overturnRate: autoDecided === 0 ? 0 : (autoDecided - agreed) / autoDecided,
    from: iso(from),
    to: iso(to),
  };
}

/**
 * Sums what a set of suggestions decides over `rows`, from per-decision marks (deny wins).
 * Indices in the marks are decision indices of the table.
 */
export function summarizeAutoDecisions(
  table: DecisionTable,
  rows: Uint32Array,
  approvedBySuggestion: Uint8Array,
  deniedBySuggestion: Uint8Array,
): BacktestSummary {
  let autoApproved = 0;
  let autoDenied = 0;
  let falseApprovals = 0;
  let falseDenials = 0;
  for (const row of rows) {
    if (deniedBySuggestion[row]) {
      autoDenied += 1;
      falseDenials += table.approved[row]!;
    } else if (approvedBySuggestion[row]) {
      autoApproved += 1;
      falseApprovals += 1 - table.approved[row]!;
    }
  }
  return {
    decisions: rows.length,
    autoApproved,
    autoDenied,
    coverage: rows.length === 0 ? 0 : (autoApproved + autoDenied) / rows.length,
    falseApprovals,
    falseDenials,
  };
}
