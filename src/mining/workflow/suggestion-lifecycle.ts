import type { RuleSuggestionStatus } from '../../../generated/prisma/enums.ts';
import type { RuleSuggestion } from '../rule-suggestion.ts';
import { suggestionFingerprint } from './fingerprint.ts';
import type { PreviousRejection, StoredEvidence } from './stored-suggestion.ts';

/** How much a rejected suggestion's evidence must have grown for it to be shown again. */
export const materialChange = {
  /** Support grew by at least this share of the support at rejection ... */
  supportGrowthRatio: 0.25,
  /** ... and by at least this many decisions. */
  supportGrowth: 20,
  /** Or: the lower bound on the rate rose by at least this much. */
  lowerBoundRise: 0.02,
} as const;

/**
 * Whether a rejected suggestion's evidence changed materially since it was rejected, so that
 * governance sees it again: its support grew by at least 25% and by at least 20 decisions, or the
 * lower confidence bound on its rate rose by at least 0.02. Weaker or merely similar evidence never
 * brings a rejection back.
 */
export function evidenceChangedMaterially(
  atRejection: Pick<StoredEvidence, 'support' | 'lowerBound'>,
  now: Pick<StoredEvidence, 'support' | 'lowerBound'>,
): boolean {
  const growth = now.support - atRejection.support;
  const supportGrew =
    growth >= materialChange.supportGrowth &&
    growth >= atRejection.support * materialChange.supportGrowthRatio;
  // Rounded so that 0.02 written as a difference of two floats still counts.
  const boundRose =
    Math.round((now.lowerBound - atRejection.lowerBound) * 1e9) >= materialChange.lowerBoundRise * 1e9;
  return supportGrew || boundRose;
}

/** A stored suggestion as the lifecycle needs it. */
export interface KnownSuggestion {
  id: string;
  fingerprint: string;
  status: RuleSuggestionStatus;
  evidence: StoredEvidence;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  rejectReason: string | null;
}

/** A mined suggestion with its fingerprint. */
export interface FingerprintedSuggestion {
  fingerprint: string;
  suggestion: RuleSuggestion;
}

/** What a mining run changes in the stored suggestions. */
export interface SuggestionPlan {
  /** New NEW rows; `previousRejection` when a rejected one comes back on new evidence. */
  create: (FingerprintedSuggestion & { previousRejection?: PreviousRejection })[];
  /** NEW rows mined again: updated in place with the fresh evidence (their id stays). */
  refresh: (FingerprintedSuggestion & { id: string; previousRejection?: PreviousRejection })[];
  /** NEW rows this run did not produce again (or duplicates of one it did). */
  supersede: string[];
  /** Mined again, but rejected before and the evidence did not change materially. */
  withheldRejected: { fingerprint: string; rejectedId: string }[];
  /** Mined again, but accepted before: the rule exists. */
  withheldAccepted: { fingerprint: string; acceptedId: string }[];
}

/**
 * Decides what one run does to the stored suggestions, by fingerprint. Pure.
 *
 * - Accepted before: not suggested again (the rule exists).
 * - NEW already: refreshed in place, so reviewers keep the same id and see the latest evidence.
 * - Rejected before (the latest rejection counts): withheld unless the evidence changed
 *   materially ({@link evidenceChangedMaterially}); then a NEW row refers to that rejection.
 * - Otherwise: a NEW row.
 * - NEW rows whose fingerprint this run did not produce become SUPERSEDED.
 *
 * @param known every NEW suggestion, and every suggestion whose fingerprint was mined this run
 */
export function planSuggestionChanges(
  mined: readonly RuleSuggestion[],
  known: readonly KnownSuggestion[],
): SuggestionPlan {
  const byFingerprint = new Map<string, KnownSuggestion[]>();
  for (const row of known) {
    const rows = byFingerprint.get(row.fingerprint) ?? [];
    rows.push(row);
    byFingerprint.set(row.fingerprint, rows);
  }
  const plan: SuggestionPlan = {
    create: [],
    refresh: [],
    supersede: [],
    withheldRejected: [],
    withheldAccepted: [],
  };
  const keptNew = new Set<string>();
  const seen = new Set<string>();
  for (const suggestion of mined) {
    const fingerprint = suggestionFingerprint(suggestion.action, suggestion.conditions);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    const rows = byFingerprint.get(fingerprint) ?? [];
    const accepted = rows.find((row) => row.status === 'ACCEPTED');
    if (accepted) {
      plan.withheldAccepted.push({ fingerprint, acceptedId: accepted.id });
      continue;
    }
    const current = rows.find((row) => row.status === 'NEW');
    if (current) {
      keptNew.add(current.id);
      const { previousRejection } = current.evidence;
      plan.refresh.push({
        id: current.id,
        fingerprint,
        suggestion,
        ...(previousRejection ? { previousRejection } : {}),
      });
      continue;
    }
    const rejected = latestRejection(rows);
    if (!rejected) {
      plan.create.push({ fingerprint, suggestion });
    } else if (evidenceChangedMaterially(rejected.evidence, suggestion.evidence)) {
      plan.create.push({ fingerprint, suggestion, previousRejection: rejectionOf(rejected) });
    } else {
      plan.withheldRejected.push({ fingerprint, rejectedId: rejected.id });
    }
  }
  for (const row of known) {
    if (row.status === 'NEW' && !keptNew.has(row.id)) plan.supersede.push(row.id);
  }
  return plan;
}

function latestRejection(rows: readonly KnownSuggestion[]): KnownSuggestion | undefined {
  let latest: KnownSuggestion | undefined;
  for (const row of rows) {
    if (row.status !== 'REJECTED') continue;
    if (!latest || (row.reviewedAt?.getTime() ?? 0) > (latest.reviewedAt?.getTime() ?? 0)) latest = row;
  }
  return latest;
}

function rejectionOf(row: KnownSuggestion): PreviousRejection {
  return {
    suggestionId: row.id,
    reason: row.rejectReason,
    rejectedAt: row.reviewedAt?.toISOString() ?? null,
    rejectedBy: row.reviewedBy,
    support: row.evidence.support,
    lowerBound: row.evidence.lowerBound,
  };
}
