import { z } from 'zod';
import { appendAuditEvent } from '../../audit/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { GovernanceViewer } from '../../identity/governance.ts';
import { viewerAuditActor } from '../../identity/viewer.ts';
import { validateInput } from '../../shared/validate.ts';
import { alreadyReviewed, isUuid, suggestionNotFound } from './review-errors.ts';
import { type StoredSuggestion, toStoredSuggestion } from './stored-suggestion.ts';

/** Why governance rejects a suggestion: required, kept with it and in the audit trail. */
export const rejectReasonSchema = z.string().trim().min(3, 'say why (at least 3 characters)').max(1000);

export type RejectReasonInput = z.input<typeof rejectReasonSchema>;

/**
 * NEW → REJECTED, with the reason, by a conditional update: the first review wins, a second one is
 * a CONFLICT. A rejected suggestion is not suggested again unless its evidence changes materially
 * (see `evidenceChangedMaterially`).
 */
export async function rejectSuggestion(
  prisma: PrismaClient,
  viewer: GovernanceViewer,
  id: string,
  rawReason: RejectReasonInput,
): Promise<StoredSuggestion> {
  const reason = validateInput(rejectReasonSchema, rawReason, 'reason');
  if (!isUuid(id)) throw suggestionNotFound(id);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.ruleSuggestion.updateMany({
      where: { id, status: 'NEW' },
      data: { status: 'REJECTED', reviewedAt: new Date(), reviewedBy: viewer.human.id, rejectReason: reason },
    });
    if (count !== 1) {
      const row = await tx.ruleSuggestion.findUnique({ where: { id } });
      throw row ? alreadyReviewed(row) : suggestionNotFound(id);
    }
    const rejected = await tx.ruleSuggestion.findUniqueOrThrow({ where: { id } });
    await appendAuditEvent(tx, {
      type: 'rule-suggestion.rejected',
      actor: viewerAuditActor(viewer),
      subject: { kind: 'rule-suggestion', id },
      payload: { reason, action: rejected.action, conditions: rejected.conditions },
    });
    return toStoredSuggestion(rejected);
  });
}
