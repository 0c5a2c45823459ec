import type { RuleSuggestion as RuleSuggestionRow } from '../../../generated/prisma/client.ts';
import type { RuleConflict } from '../existing-rules.ts';
import type { RuleAction, RuleCondition } from '../rule-condition.ts';
import type { RuleSuggestion } from '../rule-suggestion.ts';

/** The rejection a suggestion that came back refers to: what was rejected, when, why, on what evidence. */
export interface PreviousRejection {
  suggestionId: string;
  reason: string | null;
  rejectedAt: string | null;
  rejectedBy: string | null;
  support: number;
  lowerBound: number;
}

/**
 * What is stored as a suggestion's evidence: the miner's, plus the rejection it came back from, if
 * any. `consent` is absent from suggestions stored before mining read consents, `promise` from
 * those stored before runs were calibrated.
 */
export type StoredEvidence = Omit<RuleSuggestion['evidence'], 'consent' | 'promise'> &
  Partial<Pick<RuleSuggestion['evidence'], 'consent' | 'promise'>> & {
    previousRejection?: PreviousRejection;
  };

/** A stored rule suggestion with its JSON columns typed. */
export type StoredSuggestion = Omit<RuleSuggestionRow, 'action' | 'conditions' | 'evidence' | 'conflicts'> & {
  action: RuleAction;
  conditions: RuleCondition[];
  evidence: StoredEvidence;
  conflicts: RuleConflict[];
};

/**
 * Types a stored row. The JSON columns are written only by this module (from the miner's output),
 * so they are read back as what was written rather than validated again.
 */
export function toStoredSuggestion(row: RuleSuggestionRow): StoredSuggestion {
  return {
    ...row,
    action: row.action === 'deny' ? 'deny' : 'approve',
    conditions: row.conditions as unknown as RuleCondition[],
    evidence: row.evidence as unknown as StoredEvidence,
    conflicts: row.conflicts as unknown as RuleConflict[],
  };
}
