import { recordAuditEvent } from '../../audit/index.ts';
import { loadRequestView } from '../../requests/request-view.ts';
import { ApertureError } from '../../shared/errors.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { slackPerson } from '../slack-person.ts';

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
  decide: (viewer: Parameters<SlackDeps['requests']['approve']>[0]) => Promise<unknown>,
) {
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
      payload: { slackUserId: click.slackUserId, decision: click.decision, reason },
    });
  if (!person.found) {
    await audit(false, person.reason, null);
    await tell(deps, click, `You cannot decide this request: ${person.reason}.`);
    return;
  }
  try {
    await decide(person.viewer);
    await audit(true, null, person.viewer.human.id);
  } catch (error) {
    if (!(error instanceof ApertureError)) throw error;
    await audit(false, error.message, person.viewer.human.id);
    if (error.code === 'CONFLICT') {
      const view = await loadRequestView(deps.prisma, click.requestId);
      const decided = view && view.request.status !== 'PENDING';
      const who = view?.decidedBy ? ` by ${view.decidedBy}` : '';
      await tell(
        deps,
        click,
        decided
          ? `Too late: this request was already ${view.request.status.toLowerCase()}${who}.`
          : `${error.message}.`,
      );
    } else if (error.code === 'NOT_FOUND') {
      // The same words for a request that does not exist and one the clicker may not see.
      await tell(
        deps,
        click,
        'You cannot decide this request: it does not exist or you are not one of its approvers.',
      );
    } else {
      await tell(deps, click, `You cannot decide this request: ${error.message}.`);
    }
  }
}

async function tell(deps: SlackDeps, click: Click, text: string): Promise<void> {
  if (!click.channel) return;
  await deps.client.chat.postEphemeral({ channel: click.channel, user: click.slackUserId, text });
}
