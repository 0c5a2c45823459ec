import type { HumanViewer } from '../../identity/viewer.ts';
import { loadRequestView } from '../../requests/request-view.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { runAsClicker } from './run-as-clicker.ts';
import { replyPrivately } from './slack-reply.ts';

interface Click {
  slackUserId: string;
  channel: string | undefined;
  requestId: string;
  decision: 'approve' | 'deny';
}

/**
 * Runs a decision clicked in Slack: maps the clicker to a person, lets the requests domain check
 * eligibility and decide atomically, and answers privately when it did not count (unknown or
 * ineligible clicker, or someone decided first). Every click is audited.
 */
export async function decideFromSlack(
  deps: SlackDeps,
  click: Click,
  decide: (viewer: HumanViewer) => Promise<unknown>,
) {
  const refusal = await runAsClicker(
    deps,
    { slackUserId: click.slackUserId, subject: { kind: 'access-request', id: click.requestId } },
    { decision: click.decision },
    decide,
  );
  if (!refusal) return;
  if ('unknownPerson' in refusal) {
    await replyPrivately(deps, click, `You cannot decide this request: ${refusal.unknownPerson}.`);
    return;
  }
  const error = refusal.refused;
  if (error.code === 'CONFLICT') {
    const view = await loadRequestView(deps.prisma, click.requestId);
    const decided = view && view.request.status !== 'PENDING';
    const who = view?.decidedBy ? ` by ${view.decidedBy}` : '';
    await replyPrivately(
      deps,
      click,
      decided
        ? `Too late: this request was already ${view.request.status.toLowerCase()}${who}.`
        : `${error.message}.`,
    );
  } else if (error.code === 'NOT_FOUND') {
    // The same words for a request that does not exist and one the clicker may not see.
    await replyPrivately(
      deps,
      click,
      'You cannot decide this request: it does not exist or you are not one of its approvers.',
    );
  } else {
    await replyPrivately(deps, click, `You cannot decide this request: ${error.message}.`);
  }
}
