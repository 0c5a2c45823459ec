import type { App } from '@slack/bolt';
import { ApertureError } from '../../shared/errors.ts';
import { formatSeconds } from '../messages/approval-blocks.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { slackPerson } from '../slack-person.ts';
import { standingConsentsMessage } from './consent-list.ts';

const usage =
  'Usage: `/aperture pending` (requests awaiting you), `/aperture grants` (active grants you approved), `/aperture revoke <grant id> [reason]`, `/aperture consents` (your standing consents to your agents, to revoke).';

/** `/aperture pending | grants | revoke <grant> [reason] | consents`, answered privately. */
export function registerApertureCommand(app: App, deps: SlackDeps): void {
  app.command('/aperture', async ({ ack, command }) => {
    const person = await slackPerson(
      {
        prisma: deps.prisma,
        identity: deps.identity,
        client: deps.client,
        lookupByEmail: deps.config.lookupByEmail,
      },
      command.user_id,
    );
    if (!person.found) {
      await ack({ response_type: 'ephemeral', text: `aperture does not know you: ${person.reason}.` });
      return;
    }
    const [verb = '', grantId = '', ...reason] = command.text.trim().split(/\s+/);
    if (verb === 'consents') {
      await ack({ response_type: 'ephemeral', ...(await standingConsentsMessage(deps, person.viewer)) });
      return;
    }
    let text: string;
    if (verb === 'pending') {
      const pending = await deps.requests.awaitingDecisionBy(person.viewer, 20);
      text =
        pending.length === 0
          ? 'Nothing awaits your approval.'
          : `Awaiting your approval:\n${pending.map((request) => `• ${request.tier} on ${request.paths.join(', ')} for ${formatSeconds(request.requestedDurationSeconds)} (request ${request.id})`).join('\n')}`;
    } else if (verb === 'grants') {
      const grants = await deps.requests.activeGrantsApprovedBy(person.viewer, 20);
      text =
        grants.length === 0
          ? 'No active grant you approved.'
          : `Active grants you approved:\n${grants.map((grant) => `• ${grant.tier} on ${grant.paths.join(', ')} until ${grant.expiresAt.toISOString()} (grant ${grant.id})`).join('\n')}`;
    } else if (verb === 'revoke' && grantId) {
      try {
        await deps.requests.revokeGrant(person.viewer, grantId, reason.join(' ') || 'revoked in Slack');
        text = `Grant ${grantId} is revoked.`;
      } catch (error) {
        if (!(error instanceof ApertureError)) throw error;
        text = `Cannot revoke grant ${grantId}: ${error.message}.`;
      }
    } else {
      text = usage;
    }
    await ack({ response_type: 'ephemeral', text });
  });
}
