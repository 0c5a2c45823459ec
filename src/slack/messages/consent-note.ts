import type { ConsentAnswer } from '../../../generated/prisma/enums.ts';
import { planOf } from '../../requests/approvals/approval-plan.ts';
import type { RequestView } from '../../requests/request-view.ts';
import { escapeMrkdwn } from './mrkdwn.ts';

export const answerLabels: Record<ConsentAnswer, string> = {
  ONCE: 'Allow once',
  TASK: 'Allow for this task',
  ALWAYS: 'Always for this agent',
  NOT_ME: 'Not me',
};

/**
 * What approvers are told of the person's confirmation (null when nobody asked them): whether they
 * confirmed that they asked for it, and whether approvals wait for it. Pure.
 */
export function consentNote(view: RequestView): string | null {
  const { request } = view;
  const name = escapeMrkdwn(view.human.name);
  switch (request.consent) {
    case 'NOT_ASKED':
      return null;
    case 'WAITING':
      return planOf(request).requester === 'before'
        ? `:bust_in_silhouette: ${name} has not yet confirmed that they asked for it: approvals count once they do`
        : `:bust_in_silhouette: ${name} has not yet confirmed that they asked for it: it is granted only once they do`;
    case 'GIVEN':
      return `:bust_in_silhouette: ${name} confirmed that they asked for it${request.consentAnswer ? ` (${answerLabels[request.consentAnswer]})` : ''}`;
    case 'REFUSED':
      return `:rotating_light: ${name} says they did not ask for it ("not me")`;
  }
}
