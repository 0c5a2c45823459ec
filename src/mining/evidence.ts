import { CONSENT_ALWAYS } from './decision-consent.ts';
import type { DecisionTable } from './decision-table.ts';
import type { RuleAction } from './rule-condition.ts';

/** One decision shown as an example of what a suggestion would automate. */
export interface DecisionExample {
  id: string;
  outcome: 'approved' | 'denied';
  /** ISO time, or null when the history does not say. */
  decidedAt: string | null;
  approver: string | null;
}

/** The counts behind a suggestion, over the decisions it matches in the mined history. */
export interface DecisionEvidence {
  /** Decisions matched. */
  support: number;
  approved: number;
  denied: number;
  /** Share of matched decisions that went the suggestion's way (approval rate, or denial rate). */
  rate: number;
  /** One-sided Wilson lower bound on that rate, at `confidence`. */
  lowerBound: number;
  confidence: number;
  /** Distinct humans who made the decisions the suggestion would repeat. */
  distinctApprovers: number;
  /** Their distinct teams (approvers without a team count for none). */
  distinctTeams: number;
  /** Those teams' names, alphabetically (at most 20). */
  teams: string[];
  /** The latest matched decisions (in the history's order) that agree and that disagree. */
  examples: { agreeing: DecisionExample[]; disagreeing: DecisionExample[] };
  /** What the people the requests were made for said, counted in decisions like `support`. */
  consent: ConsentEvidence;
}

/** The confirmations behind a suggestion, apart from the approvers' decisions. */
export interface ConsentEvidence {
  /** Matched decisions the person had confirmed with "always for this agent" (a standing consent). */
  always: number;
  /**
   * Decisions the suggestion matches that the person called "not me". They are in none of the
   * other counts (they were no approver's decision). Always 0 for an approve suggestion (the veto);
   * for a deny suggestion they support it.
   */
  notMe: number;
}

/** Collects evidence for many suggestions over one table, reusing its scratch arrays. */
export class EvidenceCollector {
  private readonly approverSeen: Int32Array;
  private readonly teamSeen: Int32Array;
  private round = 0;

  constructor(private readonly table: DecisionTable) {
    this.approverSeen = new Int32Array(table.approvers.length).fill(-1);
    this.teamSeen = new Int32Array(table.teams.length).fill(-1);
  }

  collect(
    rows: Uint32Array,
    action: RuleAction,
    lowerBound: number,
    confidence: number,
    exampleCount: number,
    notMe: number,
  ): DecisionEvidence {
    const { table } = this;
    const round = this.round++;
    const agreeingOutcome = action === 'approve' ? 1 : 0;
    let approved = 0;
    let always = 0;
    let distinctApprovers = 0;
    const teams: string[] = [];
    for (const row of rows) {
      const outcome = table.approved[row]!;
      approved += outcome;
      if (table.consent[row] === CONSENT_ALWAYS) always += 1;
      if (outcome !== agreeingOutcome) continue;
      const approver = table.approver[row]!;
      if (approver >= 0 && this.approverSeen[approver] !== round) {
        this.approverSeen[approver] = round;
        distinctApprovers += 1;
      }
      const team = table.team[row]!;
      if (team >= 0 && this.teamSeen[team] !== round) {
        this.teamSeen[team] = round;
        teams.push(table.teams[team]!);
      }
    }
    const agreeing: DecisionExample[] = [];
    const disagreeing: DecisionExample[] = [];
    for (let at = rows.length - 1; at >= 0; at -= 1) {
      if (agreeing.length >= exampleCount && disagreeing.length >= exampleCount) break;
      const row = rows[at]!;
      const list = table.approved[row] === agreeingOutcome ? agreeing : disagreeing;
      if (list.length < exampleCount) list.push(exampleOf(table, row));
    }
    const support = rows.length;
    const denied = support - approved;
    teams.sort();
    return {
      support,
      approved,
      denied,
      rate: support === 0 ? 0 : (action === 'approve' ? approved : denied) / support,
      lowerBound,
      confidence,
      distinctApprovers,
      distinctTeams: teams.length,
      teams: teams.slice(0, 20),
      examples: { agreeing, disagreeing },
      consent: { always, notMe },
    };
  }
}

function exampleOf(table: DecisionTable, row: number): DecisionExample {
  const decidedAt = table.decidedAt[row]!;
  const approver = table.approver[row]!;
  return {
    id: table.ids[row]!,
    outcome: table.approved[row] ? 'approved' : 'denied',
    decidedAt: Number.isNaN(decidedAt) ? null : new Date(decidedAt).toISOString(),
    approver: approver >= 0 ? table.approvers[approver]! : null,
  };
}
