import { validateInput } from '../shared/validate.ts';
import { backtestSuggestion, summarizeAutoDecisions } from './backtest.ts';
import { approveGateOf, chooseThreshold, gatesOf } from './choose-threshold.ts';
import { conditionsToItems, suggestionId } from './condition-items.ts';
import type { DecisionRecord } from './decision-record.ts';
import { type DecisionTable, hasAllItems, splitNotMe } from './decision-table.ts';
import { encodeDecisionRecords } from './encode-decision-records.ts';
import { relateToExistingRules } from './existing-rules.ts';
import { rowsWithAll } from './item-index.ts';
import { type MiningOptionsInput, miningOptionsSchema } from './mining-options.ts';
import { ReachCounter } from './reach.ts';
import { type ExistingRule, existingRuleSchema, type RuleCondition } from './rule-condition.ts';
import type { MiningResult, RuleSuggestion } from './rule-suggestion.ts';
import { selectRules } from './select-rules.ts';
import { suggestionPromise } from './suggestion-promise.ts';
import { reportVetoed } from './vetoed-suggestions.ts';
import { oneSidedZ } from './wilson.ts';

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
  const gates = gatesOf(settings, approveGateOf(calibration), z);
  const { index, veto, notMe, selected, vetoed, stats } = selectRules(table, settings, gates, z, rules, rows);

  // Backtest with deny-wins across the suggestions, reach, conflicts and promise.
  const approvedBySuggestion = new Uint8Array(table.size);
  const deniedBySuggestion = new Uint8Array(table.size);
  for (const { candidate, rows: matched } of selected) {
    const marks = candidate.action === 'approve' ? approvedBySuggestion : deniedBySuggestion;
    for (const row of matched) marks[row] = 1;
  }
  const reach = new ReachCounter(table, index.rows);
  const suggestions: RuleSuggestion[] = selected.map(({ candidate, conditions, rows: matched, evidence }) => {
    const sides = reach.sidesOf(candidate.items);
    const sideItems = Uint32Array.from([...sides.human, ...sides.resource]).sort();
    const decidedRows = sideItems.length === candidate.items.length ? matched : rowsWithAll(index, sideItems);
    const { overlapping } = relateToExistingRules(candidate.action, conditions, rules);
    const { action } = candidate;
    return {
      id: suggestionId(action, conditions),
      action,
      conditions,
      evidence: {
        ...evidence,
        backtest: backtestSuggestion(table, matched, action, deniedBySuggestion),
        reach: reach.count(sides.human, sides.resource, decidedRows),
        promise: suggestionPromise(
          {
            action,
            estimate: candidate.estimate,
            decisions: candidate.total,
            estimator: action === 'approve' ? calibration.estimator : 'wilson',
            threshold: gates[action].threshold,
            boundConfidence: settings.confidence,
          },
          calibration,
        ),
      },
      conflicts: overlapping.map((rule) => ({
        ruleId: rule.id,
        action: rule.action,
        sharedDecisions: countShared(table, matched, rule.conditions),
      })),
    };
  });
  suggestions.sort(
    (a, b) => b.evidence.support - a.evidence.support || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );

  return {
    suggestions,
    vetoed: reportVetoed(table, vetoed, veto, z),
    calibration,
    backtest: summarizeAutoDecisions(table, index.rows, approvedBySuggestion, deniedBySuggestion),
    stats: {
      decisions: index.rows.length,
      notMeDecisions: notMe.length,
      items: table.itemValue.length,
      ...stats,
      removedNotMe: vetoed.length,
    },
  };
}

function countShared(table: DecisionTable, rows: Uint32Array, conditions: readonly RuleCondition[]): number {
  const items = conditionsToItems(table, conditions);
  if (!items) return 0;
  let shared = 0;
  for (const row of rows) if (hasAllItems(table, row, items)) shared += 1;
  return shared;
}
