import type { ConsentAnswer } from '../../../generated/prisma/enums.ts';
import { recordAuditEvent } from '../../audit/index.ts';
import { loadRequestView } from '../../requests/request-view.ts';
import { ApertureError } from '../../shared/errors.ts';
import { answerLabels } from '../messages/consent-note.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { slackPerson } from '../slack-person.ts';
import { replyPrivately } from './slack-reply.ts';

export interface ConsentClick {
  slackUserId: string;
  channel: string | undefined;
  requestId: string;
  answer: ConsentAnswer;
  /** ALWAYS: how long the standing consent lasts (the default when absent). */
  days?: number;
}

const notTheirs =
  'You cannot answer this request: only the person it is made for can, from their own Slack account.';

/**
 * Runs a person's answer clicked in Slack: maps the clicker to a person and lets the requests
 * domain decide whether they may answer (only the person the request is made for, once). Anyone
 * else gets a calm private reply and nothing changes; every click is audited.
 */
export async function answerFromSlack(deps: SlackDeps, click: ConsentClick): Promise<void> {
  const person = await slackPerson(
    {
      prisma: deps.prisma,
      identity: deps.identity,
      client: deps.client,
      lookupByEmail: deps.config.lookupByEmail,
    },
    click.slackUserId,
  );
  const audit = (accepted: boolean, reason: string | null, humanId: string | null) =>
    recordAuditEvent(deps.prisma, {
      type: accepted ? 'slack.click' : 'slack.click-refused',
      actor: humanId ? { humanId } : undefined,
      subject: { kind: 'access-request', id: click.requestId },
      payload: { slackUserId: click.slackUserId, answer: click.answer, reason },
    });
  if (!person.found) {
    await audit(false, person.reason, null);
    await replyPrivately(deps, click, `You cannot answer this request: ${person.reason}.`);
    return;
  }
  try {
    await deps.requests.confirm(person.viewer, {
      requestId: click.requestId,
      answer: click.answer,
      ...(click.days === undefined ? {} : { days: click.days }),
    });
    await audit(true, null, person.viewer.human.id);
  } catch (error) {
    if (!(error instanceof ApertureError)) throw error;
    await audit(false, error.message, person.viewer.human.id);
    await replyPrivately(deps, click, await refusalText(deps, click.requestId, error));
  }
}

/** The same words for a request that does not exist and one that is someone else's. */
async function refusalText(deps: SlackDeps, requestId: string, error: ApertureError): Promise<string> {
  if (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN') return notTheirs;
  if (error.code !== 'CONFLICT') return `You cannot answer this request: ${error.message}.`;
  const view = await loadRequestView(deps.prisma, requestId);
  const answered = view?.request.consentAnswer;
  if (answered) return `You already answered this request: ${answerLabels[answered]}.`;
  if (view && view.request.status !== 'PENDING')
    return `Too late: this request was already ${view.request.status.toLowerCase()}.`;
  return `${error.message}.`;
}
