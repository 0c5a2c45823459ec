import type { ConsentAnswer } from '../../../generated/prisma/enums.ts';
import { loadRequestView } from '../../requests/request-view.ts';
import type { ApertureError } from '../../shared/errors.ts';
import { answerLabels } from '../messages/consent-note.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { runAsClicker } from './run-as-clicker.ts';
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
  const refusal = await runAsClicker(
    deps,
    { slackUserId: click.slackUserId, subject: { kind: 'access-request', id: click.requestId } },
    { answer: click.answer },
    (viewer) =>
      deps.requests.confirm(viewer, {
        requestId: click.requestId,
        answer: click.answer,
        ...(click.days === undefined ? {} : { days: click.days }),
      }),
  );
  if (!refusal) return;
  await replyPrivately(
    deps,
    click,
    'unknownPerson' in refusal
      ? `You cannot answer this request: ${refusal.unknownPerson}.`
      : await refusalText(deps, click.requestId, refusal.refused),
  );
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
