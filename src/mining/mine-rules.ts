import { validateInput } from '../shared/validate.ts';
import { matchRules } from './apply-suggestions.ts';
import { backtestSuggestion, summarizeAutoDecisions } from './backtest.ts';
import { conditionsToItems, itemsToConditions, suggestionId } from './condition-items.ts';
import type { DecisionRecord } from './decision-record.ts';
import { type DecisionTable, hasAllItems, splitNotMe } from './decision-table.ts';
import { encodeDecisionRecords } from './encode-decision-records.ts';
import { type DecisionEvidence, EvidenceCollector } from './evidence.ts';
import { relateToExistingRules } from './existing-rules.ts';
import { type CandidateLimits, findRuleCandidates } from './frequent-itemsets.ts';
import { buildItemIndex, rowsWithAll } from './item-index.ts';
import {
  calibrationGrid,
  calibrationSampleLimit,
  fallbackThreshold,
  type MiningOptions,
  type MiningOptionsInput,
  miningOptionsSchema,
} from './mining-options.ts';
import { NotMeVeto } from './not-me-veto.ts';
import { shrunkEstimator, wilsonEstimator } from './rate-estimate.ts';
import { ReachCounter } from './reach.ts';
import { type ExistingRule, existingRuleSchema, type RuleCondition } from './rule-condition.ts';
import type { EstimatorName, MiningCalibration, MiningResult, RuleSuggestion } from './rule-suggestion.ts';
import { closureOf, removeCoveredByOthers, removeRedundant } from './subsumption.ts';
import { suggestionPromise } from './suggestion-promise.ts';
import { calibrateThreshold, type HeldOutOutcome } from './threshold-calibration.ts';
import { reportVetoed } from './vetoed-suggestions.ts';
import { oneSidedZ, wilsonLowerBound } from './wilson.ts';

/**
 * Mines suggested rules from human decisions. Pure: the same records, options and existing rules
 * always give the same suggestions.
 *
 * A suggestion is a conjunction of at most `maxConditions` (default 3) attribute conditions with
 * at least one resource condition and one requester (`human.*`) condition, whose approval rate
 * (deny suggestions: denial rate), as the estimator judges it, reaches the threshold, over at least
 * `minSupport` decisions made by at least `minDistinctApprovers` distinct people. Unless the
 * options set it, the threshold is calibrated on the decisions (`threshold-calibration.ts`): the
 * lowest whose rules, checked on held-out folds, keep false approvals within
 * `maxFalseApprovalRate`; `result.calibration` and each suggestion's `evidence.promise` say so.
 * Subsumed and redundant suggestions are removed, as are those an existing rule of the same
 * action already covers; overlaps with existing rules of the other action are reported.
 *
 * Decisions a person called "not me" (record `consent: 'not-me'`) are no approver's decision: they
 * count in no rate, support or approver tally. They are a hard veto instead: no approve suggestion
 * matches any of them (the broadest vetoed rules are reported in `vetoed`), and a deny suggestion
 * shows how many of them it matches (`evidence.consent`).
 *
 * @param records decisions, in history order (examples are the latest in that order)
 * @param options see {@link miningOptionsSchema}; invalid options throw INVALID_INPUT
 * @param existingRules rules in force, to report conflicts with
 */
export function mineSuggestions(
  records: readonly DecisionRecord[],
  options: MiningOptionsInput = {},
  existingRules: readonly ExistingRule[] = [],
): MiningResult {
  return mineDecisionTable(encodeDecisionRecords(records), options, existingRules);
}

/**
 * {@link mineSuggestions} over an encoded table, optionally restricted to some of its decisions
 * (`rows`, ascending decision indices), e.g. the training part of an evaluation.
 */
export function mineDecisionTable(
  table: DecisionTable,
  options: MiningOptionsInput = {},
  existingRules: readonly ExistingRule[] = [],
  rows?: Uint32Array,
): MiningResult {
  const settings = validateInput(miningOptionsSchema, options, 'mining options');
  const rules = validateInput(existingRuleSchema.array(), existingRules, 'existing rules');
  const z = oneSidedZ(settings.confidence);
  const { counted } = splitNotMe(table, rows);
  const calibration = chooseThreshold(table, counted, settings, z);
  return { ...mineAt(table, settings, calibration, z, rules, rows), calibration };
}

/**
 * The gates of a run. Approve suggestions clear the calibrated (or set) threshold with the run's
 * estimator; none is suggested when even the strictest threshold missed the target. Deny
 * suggestions, which the promise is not about and which win over approvals, keep the Wilson bound
 * at the fixed default threshold (or the one set): shrunk towards the rare denial rate, a deny
 * group would need hundreds of denials.
 */
function gatesOf(
  settings: MiningOptions,
  calibration: MiningCalibration,
  z: number,
): CandidateLimits['gates'] {
  const wilson = wilsonEstimator(z);
  return {
    approve: {
      estimator: calibration.estimator === 'shrunk' ? shrunkEstimator(settings.priorStrength) : wilson,
      threshold: calibration.status === 'strictest' ? 1 : calibration.threshold,
    },
    deny: { estimator: wilson, threshold: settings.threshold ?? fallbackThreshold },
  };
}

/** The threshold and estimator a run mines at, with how the threshold was chosen. */
function chooseThreshold(
  table: DecisionTable,
  counted: Uint32Array,
  settings: MiningOptions,
  z: number,
): MiningCalibration {
  const explicit: EstimatorName = settings.estimator === 'shrunk' ? 'shrunk' : 'wilson';
  const uncalibrated = (
    status: 'fixed' | 'off' | 'too-few-denials',
    threshold: number,
  ): MiningCalibration => ({
    status,
    threshold,
    estimator: explicit,
    targetFalseApprovalRate: settings.maxFalseApprovalRate,
    confidence: settings.calibrationConfidence,
    folds: 0,
    decisions: counted.length,
    denials: countDenials(table, counted),
    historyDecisions: counted.length,
    chosen: null,
    measured: [],
  });
  if (settings.threshold !== undefined) return uncalibrated('fixed', settings.threshold);
  if (settings.calibrationFolds < 2) return uncalibrated('off', fallbackThreshold);
  const estimator: EstimatorName = settings.estimator === 'wilson' ? 'wilson' : 'shrunk';
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
      const gate = { ...uncalibrated('fixed', threshold), estimator };
      const { suggestions } = mineAt(table, settings, gate, z, [], train);
      return measureOn(table, heldOut, suggestions);
    },
  );
  if (result.threshold === null) return uncalibrated('too-few-denials', fallbackThreshold);
  return { ...result, threshold: result.threshold, estimator };
}

/** Mines at a given gate (the body of {@link mineDecisionTable}). */
function mineAt(
  table: DecisionTable,
  settings: MiningOptions,
  gate: MiningCalibration,
  z: number,
  rules: readonly ExistingRule[],
  rows: Uint32Array | undefined,
): Omit<MiningResult, 'calibration'> {
  const { counted, notMe } = splitNotMe(table, rows);
  const index = buildItemIndex(table, counted);
  const veto = new NotMeVeto(table, notMe);
  const gates = gatesOf(settings, gate, z);
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
  const evidence = new EvidenceCollector(table);
  interface Survivor {
    at: number;
    conditions: RuleCondition[];
    evidence: DecisionEvidence;
  }
  const survivors: Survivor[] = [];
  let removedTooFewApprovers = 0;
  let removedCoveredByExistingRule = 0;
  candidates.forEach((candidate, at) => {
    if (!redundancy.kept[at]) return;
    const conditions = itemsToConditions(table, candidate.items);
    if (relateToExistingRules(candidate.action, conditions, rules).coveredBy) {
      removedCoveredByExistingRule += 1;
      return;
    }
    const found = evidence.collect(
      matched[at]!,
      candidate.action,
      wilsonLowerBound(
        candidate.action === 'approve' ? candidate.approved : candidate.total - candidate.approved,
        candidate.total,
        z,
      ),
      settings.confidence,
      settings.exampleCount,
      veto.covered(candidate.items).length,
    );
    if (found.distinctApprovers < settings.minDistinctApprovers) {
      removedTooFewApprovers += 1;
      return;
    }
    survivors.push({ at, conditions, evidence: found });
  });

  // Suggestions that add (almost) nothing beyond the others of their action.
  const covering = removeCoveredByOthers(
    survivors.map(({ at }) => ({ ...candidates[at]!, rows: matched[at]! })),
    table.size,
    settings.minSupport,
    index.count,
  );
  const removedCoveredByOthers = covering.filter((keep) => !keep).length;
  const finalists = survivors.filter((_, position) => covering[position]);

  // Backtest with deny-wins across the suggestions, reach, and conflicts.
  const approvedBySuggestion = new Uint8Array(table.size);
  const deniedBySuggestion = new Uint8Array(table.size);
  for (const { at } of finalists) {
    const marks = candidates[at]!.action === 'approve' ? approvedBySuggestion : deniedBySuggestion;
    for (const row of matched[at]!) marks[row] = 1;
  }
  const reach = new ReachCounter(table, index.rows);
  const suggestions: RuleSuggestion[] = finalists.map(({ at, conditions, evidence: found }) => {
    const candidate = candidates[at]!;
    const rowsMatched = matched[at]!;
    const sides = reach.sidesOf(candidate.items);
    const sideItems = Uint32Array.from([...sides.human, ...sides.resource]).sort();
    const decidedRows =
      sideItems.length === candidate.items.length ? rowsMatched : rowsWithAll(index, sideItems);
    const { overlapping } = relateToExistingRules(candidate.action, conditions, rules);
    return {
      id: suggestionId(candidate.action, conditions),
      action: candidate.action,
      conditions,
      evidence: {
        ...found,
        backtest: backtestSuggestion(table, rowsMatched, candidate.action, deniedBySuggestion),
        reach: reach.count(sides.human, sides.resource, decidedRows),
        promise: suggestionPromise(
          {
            action: candidate.action,
            estimate: candidate.estimate,
            decisions: candidate.total,
            estimator: candidate.action === 'approve' ? gate.estimator : 'wilson',
            threshold: gates[candidate.action].threshold,
            boundConfidence: settings.confidence,
          },
          gate,
        ),
      },
      conflicts: overlapping.map((rule) => ({
        ruleId: rule.id,
        action: rule.action,
        sharedDecisions: countShared(table, rowsMatched, rule.conditions),
      })),
    };
  });
  suggestions.sort(
    (a, b) => b.evidence.support - a.evidence.support || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );

  return {
    suggestions,
    vetoed: reportVetoed(table, vetoed, veto, z),
    backtest: summarizeAutoDecisions(table, index.rows, approvedBySuggestion, deniedBySuggestion),
    stats: {
      decisions: index.rows.length,
      notMeDecisions: notMe.length,
      items: table.itemValue.length,
      ...stats,
      candidates: candidates.length,
      removedSubsumed: redundancy.subsumed,
      removedRedundant: redundancy.redundant,
      removedCoveredByOthers,
      removedCoveredByExistingRule,
      removedTooFewApprovers,
      removedNotMe: vetoed.length,
    },
  };
}

function countDenials(table: DecisionTable, rows: Uint32Array): number {
  let denials = 0;
  for (const row of rows) denials += 1 - table.approved[row]!;
  return denials;
}

/** What `suggestions` decide among `rows`: the held-out outcome a calibration pools (deny wins). */
function measureOn(
  table: DecisionTable,
  rows: Uint32Array,
  suggestions: readonly RuleSuggestion[],
): HeldOutOutcome {
  const matches = matchRules(table, buildItemIndex(table, rows), suggestions);
  const summary = summarizeAutoDecisions(table, rows, matches.approved, matches.denied);
  return {
    decisions: rows.length,
    denials: countDenials(table, rows),
    covered: summary.autoApproved + summary.autoDenied,
    falseApprovals: summary.falseApprovals,
  };
}

function countShared(table: DecisionTable, rows: Uint32Array, conditions: readonly RuleCondition[]): number {
  const items = conditionsToItems(table, conditions);
  if (!items) return 0;
  let shared = 0;
  for (const row of rows) if (hasAllItems(table, row, items)) shared += 1;
  return shared;
}
