import { itemsToConditions } from './condition-items.ts';
import { type DecisionTable, splitNotMe } from './decision-table.ts';
import { type DecisionEvidence, EvidenceCollector } from './evidence.ts';
import { relateToExistingRules } from './existing-rules.ts';
import { type CandidateLimits, findRuleCandidates, type RuleCandidate } from './frequent-itemsets.ts';
import { buildItemIndex, type ItemIndex, rowsWithAll } from './item-index.ts';
import type { MiningOptions } from './mining-options.ts';
import { NotMeVeto } from './not-me-veto.ts';
import type { ExistingRule, RuleCondition } from './rule-condition.ts';
import { closureOf, removeCoveredByOthers, removeRedundant } from './subsumption.ts';
import { wilsonLowerBound } from './wilson.ts';

/** A candidate that made it through every removal: a suggestion before its backtest and reach. */
export interface SelectedRule {
  candidate: RuleCandidate;
  conditions: RuleCondition[];
  /** The mined decisions it matches, ascending. */
  rows: Uint32Array;
  evidence: DecisionEvidence;
}

/** The rules a run keeps, with what it counted and removed on the way. */
export interface RuleSelection {
  index: ItemIndex;
  veto: NotMeVeto;
  notMe: Uint32Array;
  selected: SelectedRule[];
  /** Approve conjunctions the "not me" veto stopped. */
  vetoed: RuleCandidate[];
  stats: ReturnType<typeof findRuleCandidates>['stats'] & {
    candidates: number;
    removedSubsumed: number;
    removedRedundant: number;
    removedCoveredByOthers: number;
    removedCoveredByExistingRule: number;
    removedTooFewApprovers: number;
  };
}

/**
 * Which conjunctions of the decisions (`rows`; all when omitted) become suggestions: those that
 * clear `gates`, less the subsumed and redundant ones, those an existing rule of the same action
 * covers, those made by too few distinct approvers, and those the others of their action
 * (almost) cover. Pure. The calibration runs this alone on each fold; a run then describes what
 * it keeps (`mine-rules.ts`).
 */
export function selectRules(
  table: DecisionTable,
  settings: MiningOptions,
  gates: CandidateLimits['gates'],
  z: number,
  existingRules: readonly ExistingRule[],
  rows: Uint32Array | undefined,
): RuleSelection {
  const { counted, notMe } = splitNotMe(table, rows);
  const index = buildItemIndex(table, counted);
  const veto = new NotMeVeto(table, notMe);
  const { candidates, vetoed, stats } = findRuleCandidates(index, {
    gates,
    minSupport: settings.minSupport,
    maxConditions: settings.maxConditions,
    vetoApprove: veto.size > 0 ? (items) => veto.vetoes(items) : undefined,
  });

  const matched = candidates.map((candidate) => rowsWithAll(index, candidate.items));
  const closed = candidates.map((candidate, at) => ({
    ...candidate,
    closure: closureOf(table, matched[at]!, candidate.items),
  }));
  const redundancy = removeRedundant(closed, settings.maxConditions, index.count);

  // The approver gate, and rules in force that already cover a suggestion.
  const collector = new EvidenceCollector(table);
  const survivors: SelectedRule[] = [];
  let removedTooFewApprovers = 0;
  let removedCoveredByExistingRule = 0;
  candidates.forEach((candidate, at) => {
    if (!redundancy.kept[at]) return;
    const conditions = itemsToConditions(table, candidate.items);
    if (relateToExistingRules(candidate.action, conditions, existingRules).coveredBy) {
      removedCoveredByExistingRule += 1;
      return;
    }
    const successes =
      candidate.action === 'approve' ? candidate.approved : candidate.total - candidate.approved;
    const evidence = collector.collect(
      matched[at]!,
      candidate.action,
      wilsonLowerBound(successes, candidate.total, z),
      settings.confidence,
      settings.exampleCount,
      veto.covered(candidate.items).length,
    );
    if (evidence.distinctApprovers < settings.minDistinctApprovers) {
      removedTooFewApprovers += 1;
      return;
    }
    survivors.push({ candidate, conditions, rows: matched[at]!, evidence });
  });

  // Suggestions that add (almost) nothing beyond the others of their action.
  const covering = removeCoveredByOthers(
    survivors.map(({ candidate, rows: matchedRows }) => ({ ...candidate, rows: matchedRows })),
    table.size,
    settings.minSupport,
    index.count,
  );
  const selected = survivors.filter((_, position) => covering[position]);
  return {
    index,
    veto,
    notMe,
    selected,
    vetoed,
    stats: {
      ...stats,
      candidates: candidates.length,
      removedSubsumed: redundancy.subsumed,
      removedRedundant: redundancy.redundant,
      removedCoveredByOthers: survivors.length - selected.length,
      removedCoveredByExistingRule,
      removedTooFewApprovers,
    },
  };
}
