import { evaluateRules, type RequestFacts, ruleMatches } from '../../requests/rules/evaluate-rules.ts';
import type { Rule } from '../../requests/rules/rule-schema.ts';

/** A request a person decided, with the facts the rules would have seen. */
export interface SimulatedDecision {
  id: string;
  outcome: 'approved' | 'denied';
  facts: RequestFacts;
  /** The person it was made for called it "not me": a denial of theirs, not an approver's judgement. */
  notMe?: boolean;
}

/** What a draft would have done to the requests people called "not me". */
export interface NotMeSimulation {
  /** Those the draft matches on its own. */
  matched: number;
  /** Those the draft approves on its own: a rule that approves any is one governance should not add. */
  approvedByDraft: number;
  /** Those the rules in force with the draft approve (deny wins), whichever rule does it. */
  approvedWithRules: number;
  /** The latest the draft approves (request ids, newest first, at most 5). */
  approvedExamples: string[];
}

/** What a draft rule would have done to the requests people decided. */
export interface RuleSimulationResult {
  ruleId: string;
  action: Rule['action'];
  /** Requests people decided, replayed ("not me" ones included). */
  decisions: number;
  /** Those the rule matches on its own, "not me" ones apart (see `notMe`). */
  matched: number;
  /** How people decided the matched ones. */
  matchedApproved: number;
  matchedDenied: number;
  /**
   * Matched requests people decided the other way (an approve rule: denied ones; a deny rule:
   * approved ones). Route rules decide nothing: 0.
   */
  overturned: number;
  overturnRate: number;
  /** The latest of those (request ids, newest first, at most 5). */
  overturnedExamples: string[];
  /**
   * With the rules in force and the draft (first, or in place of the rule with its id), what the
   * rules would have decided (deny wins), and how many of those decisions were the draft's.
   */
  withRules: { decidedByDraft: number; approve: number; deny: number; route: number };
  /** The requests people called "not me", which count in none of the matched figures above. */
  notMe: NotMeSimulation;
}

const exampleCount = 5;

/** Replays decisions one at a time against a draft rule; pure apart from its own counters. */
export class RuleSimulation {
  private readonly rules: Rule[];
  private decisions = 0;
  private matchedApproved = 0;
  private matchedDenied = 0;
  private readonly overturned: string[] = [];
  private overturnedCount = 0;
  private readonly withRules = { decidedByDraft: 0, approve: 0, deny: 0, route: 0 };
  private readonly notMe = { matched: 0, approvedByDraft: 0, approvedWithRules: 0 };
  private readonly notMeApproved: string[] = [];

  constructor(
    private readonly draft: Rule,
    rulesInForce: readonly Rule[],
  ) {
    const at = rulesInForce.findIndex((rule) => rule.id === draft.id);
    this.rules =
      at >= 0 ? rulesInForce.map((rule, index) => (index === at ? draft : rule)) : [draft, ...rulesInForce];
  }

  add(decision: SimulatedDecision): void {
    this.decisions += 1;
    const outcome = evaluateRules(this.rules, decision.facts);
    this.withRules[outcome.action] += 1;
    if (outcome.rule === this.draft) this.withRules.decidedByDraft += 1;
    const matches = ruleMatches(this.draft, decision.facts);
    if (decision.notMe) {
      this.addNotMe(decision.id, matches, outcome.action === 'approve');
      return;
    }
    if (!matches) return;
    if (decision.outcome === 'approved') this.matchedApproved += 1;
    else this.matchedDenied += 1;
    const against =
      (this.draft.action === 'approve' && decision.outcome === 'denied') ||
      (this.draft.action === 'deny' && decision.outcome === 'approved');
    if (!against) return;
    this.overturnedCount += 1;
    this.overturned.push(decision.id);
    if (this.overturned.length > exampleCount) this.overturned.shift();
  }

  private addNotMe(id: string, matches: boolean, approvedWithRules: boolean): void {
    if (approvedWithRules) this.notMe.approvedWithRules += 1;
    if (!matches) return;
    this.notMe.matched += 1;
    if (this.draft.action !== 'approve') return;
    this.notMe.approvedByDraft += 1;
    this.notMeApproved.push(id);
    if (this.notMeApproved.length > exampleCount) this.notMeApproved.shift();
  }

  result(): RuleSimulationResult {
    const matched = this.matchedApproved + this.matchedDenied;
    return {
      ruleId: this.draft.id,
      action: this.draft.action,
      decisions: this.decisions,
      matched,
      matchedApproved: this.matchedApproved,
      matchedDenied: this.matchedDenied,
      overturned: this.overturnedCount,
      overturnRate: matched === 0 ? 0 : this.overturnedCount / matched,
      overturnedExamples: [...this.overturned].reverse(),
      withRules: { ...this.withRules },
      notMe: { ...this.notMe, approvedExamples: [...this.notMeApproved].reverse() },
    };
  }
}
