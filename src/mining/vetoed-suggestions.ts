import { itemsToConditions, suggestionId } from './condition-items.ts';
import type { DecisionTable } from './decision-table.ts';
import type { RuleCandidate } from './frequent-itemsets.ts';
import type { NotMeVeto } from './not-me-veto.ts';
import type { RuleCondition } from './rule-condition.ts';
import { isSubset } from './subsumption.ts';
import { wilsonLowerBound } from './wilson.ts';

/** An approve rule the history supports that is not suggested: it would approve "not me" requests. */
export interface VetoedSuggestion {
  id: string;
  conditions: RuleCondition[];
  /** Its evidence from approvers' decisions, which would otherwise have made it a suggestion. */
  support: number;
  approved: number;
  lowerBound: number;
  /** Decisions it matches that the person called "not me", and the first few of their ids. */
  notMe: number;
  notMeExamples: string[];
}

/** How many vetoed rules a run reports (the broadest, most supported first). */
export const vetoedReportLimit = 20;
const exampleCount = 3;

/**
 * The vetoed approve rules worth showing governance, so that a review sees why an expected rule is
 * missing: only the broadest (a vetoed rule whose conditions include another vetoed rule's says
 * nothing more), most support first, at most {@link vetoedReportLimit}. Pure and deterministic.
 */
export function reportVetoed(
  table: DecisionTable,
  vetoed: readonly RuleCandidate[],
  veto: NotMeVeto,
  z: number,
): VetoedSuggestion[] {
  const byBreadth = [...vetoed].sort(
    (a, b) => a.items.length - b.items.length || b.total - a.total || compareItems(a.items, b.items),
  );
  const broadest: RuleCandidate[] = [];
  for (const candidate of byBreadth) {
    if (broadest.some((kept) => isSubset(kept.items, candidate.items))) continue;
    broadest.push(candidate);
  }
  return broadest
    .sort((a, b) => b.total - a.total || compareItems(a.items, b.items))
    .slice(0, vetoedReportLimit)
    .map((candidate) => {
      const conditions = itemsToConditions(table, candidate.items);
      const covered = veto.covered(candidate.items);
      return {
        id: suggestionId('approve', conditions),
        conditions,
        support: candidate.total,
        approved: candidate.approved,
        lowerBound: wilsonLowerBound(candidate.approved, candidate.total, z),
        notMe: covered.length,
        notMeExamples: veto.examples(covered, exampleCount),
      };
    });
}

function compareItems(a: Uint32Array, b: Uint32Array): number {
  for (let at = 0; at < Math.min(a.length, b.length); at += 1) if (a[at] !== b[at]) return a[at]! - b[at]!;
  return a.length - b.length;
}
