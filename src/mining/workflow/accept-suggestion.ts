import { appendAuditEvent } from '../../audit/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { GovernanceViewer } from '../../identity/governance.ts';
import { viewerAuditActor } from '../../identity/viewer.ts';
import type { Rule } from '../../requests/rules/rule-schema.ts';
import { currentRuleSet, parseRuleSet, ruleTable } from '../../requests/rules/rule-store.ts';
import { ApertureError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';
import { applyVersionedSet } from '../../versioned-sets/apply-versioned-set.ts';
import { alreadyReviewed, isUuid, suggestionNotFound } from './review-errors.ts';
import { type StoredSuggestion, toStoredSuggestion } from './stored-suggestion.ts';
import {
  type AcceptEditsInput,
  acceptEditsSchema,
  placeRule,
  suggestionToRule,
} from './suggestion-to-rule.ts';

/** An accepted suggestion and the rule it became. */
export interface AcceptedSuggestion {
  suggestion: StoredSuggestion;
  rule: Rule;
  /** The rule-set version that added it. */
  ruleSetVersion: number;
}

/**
 * Turns a NEW suggestion into a rule (see `suggestionToRule`, with governance's edits), validated
 * with the whole rule list like an authored rule, and applies it as a new rule-set version. The
 * new version, its audit events and the suggestion's NEW → ACCEPTED transition commit together or
 * not at all: a second accept or a reject that got in first is a CONFLICT, and so is a rule change
 * made meanwhile (the list was built on the version read before).
 */
export async function acceptSuggestion(
  prisma: PrismaClient,
  viewer: GovernanceViewer,
  id: string,
  rawEdits: AcceptEditsInput = {},
): Promise<AcceptedSuggestion> {
  const edits = validateInput(acceptEditsSchema, rawEdits, 'edits');
  const row = isUuid(id) ? await prisma.ruleSuggestion.findUnique({ where: { id } }) : null;
  if (!row) throw suggestionNotFound(id);
  if (row.status !== 'NEW') throw alreadyReviewed(row);
  const suggestion = toStoredSuggestion(row);
  const draft = suggestionToRule(suggestion, edits);
  const current = await currentRuleSet(prisma);
  // The draft is untyped until the whole list is validated, like a rule file.
  const rules = parseRuleSet(placeRule<unknown>(current.rules, draft, edits.position), 'rules');
  const rule = rules.find((candidate) => candidate.id === draft.id)!;
  const actor = viewerAuditActor(viewer);
  const reviewedAt = new Date();
  const result = await applyVersionedSet(
    prisma,
    {
      ...ruleTable,
      async insert(tx, version) {
        // The review first: a second accept that lost the race learns it was accepted.
        const { count } = await tx.ruleSuggestion.updateMany({
          where: { id, status: 'NEW' },
          data: { status: 'ACCEPTED', reviewedAt, reviewedBy: viewer.human.id, acceptedRuleId: rule.id },
        });
        if (count !== 1) throw alreadyReviewed(await tx.ruleSuggestion.findUniqueOrThrow({ where: { id } }));
        if (version.version !== current.version + 1) {
          throw new ApertureError(
            'CONFLICT',
            `the rules changed (version ${version.version - 1}) while the suggestion was being accepted on version ${current.version}; try again`,
          );
        }
        await ruleTable.insert(tx, version);
        await appendAuditEvent(tx, {
          type: 'rule-suggestion.accepted',
          actor,
          subject: { kind: 'rule-suggestion', id },
          payload: {
            ruleId: rule.id,
            ruleSetVersion: version.version,
            action: suggestion.action,
            conditions: suggestion.conditions,
            edits,
          },
        });
      },
    },
    rules,
    { actor, source: `rule-suggestion:${id}` },
  );
  const accepted = await prisma.ruleSuggestion.findUniqueOrThrow({ where: { id } });
  // Nothing applied: the same rule was already in force by then (an identical accept won the race).
  if (!result.applied) {
    throw accepted.status === 'NEW'
      ? new ApertureError('CONFLICT', `the rule ${rule.id} is already in force as it is`)
      : alreadyReviewed(accepted);
  }
  return { suggestion: toStoredSuggestion(accepted), rule, ruleSetVersion: result.version };
}
