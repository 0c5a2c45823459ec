import { RuleSuggestionStatus } from '../../../../generated/prisma/enums.ts';
import { builder } from '../../builder.ts';

export const RuleSuggestionStatusEnum = builder.enumType('RuleSuggestionStatus', {
  description:
    'NEW until reviewed: ACCEPTED (a rule was made from it) or REJECTED; SUPERSEDED when a later run no longer found it.',
  values: Object.values(RuleSuggestionStatus),
});
