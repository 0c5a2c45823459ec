import { z } from 'zod';
import type { RuleSuggestion as RuleSuggestionRow } from '../../../generated/prisma/client.ts';
import { ApertureError } from '../../shared/errors.ts';

export const isUuid = (id: string) => z.uuid().safeParse(id).success;

export function suggestionNotFound(id: string): ApertureError {
  return new ApertureError('NOT_FOUND', `no rule suggestion has the id ${id}`);
}

/** Only NEW suggestions are reviewed; the first review wins. */
export function alreadyReviewed(
  row: Pick<RuleSuggestionRow, 'id' | 'status' | 'acceptedRuleId'>,
): ApertureError {
  const rule = row.acceptedRuleId ? ` (rule ${row.acceptedRuleId})` : '';
  return new ApertureError(
    'CONFLICT',
    `rule suggestion ${row.id} is already ${row.status.toLowerCase()}${rule}: only NEW suggestions can be accepted or rejected`,
    { status: row.status },
  );
}
