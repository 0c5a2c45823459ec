import type { types } from '@slack/bolt';
import type { RequestView } from '../../requests/request-view.ts';
import { formatSeconds, resourceLines } from './approval-blocks.ts';
import { escapeMrkdwn, slackDate } from './mrkdwn.ts';

type KnownBlock = types.KnownBlock;

/** What governance is told beside the request: from the `security.not-me` audit event. */
export interface NotMeFacts {
  /** Governance's setting took the delegation the request was filed with back at once. */
  delegationRevoked: boolean;
}

/**
 * The security alert to governance when a person answers "not me" to their agent's request: who,
 * through which agent chain, for what (intent, task, objects, tier, duration), the agent's
 * justification, and whether the delegation was taken back. Pure.
 */
export function notMeAlertBlocks(
  view: RequestView,
  facts: NotMeFacts,
): { text: string; blocks: KnownBlock[] } {
  const { request, human } = view;
  const chain = view.chain.join(' → ');
  const who = [human.title, human.department].filter(Boolean).join(', ');
  const text = `Security: ${human.name} says they did not ask for the request ${chain} made in their name (${request.tier} on ${request.paths.join(', ')})`;
  const delegation = facts.delegationRevoked
    ? ':lock: The delegation it was filed with was *revoked* at once (governance setting).'
    : ':warning: The delegation it was filed with was *not revoked*: the agent may still act for them. Suspend the agent or revoke the delegation in the console.';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:rotating_light: *"Not me"*: *${escapeMrkdwn(human.name)}* (${escapeMrkdwn(human.email)}${who ? `, ${escapeMrkdwn(who)}` : ''}) says they did not ask for this request made in their name${request.consentedAt ? ` (${slackDate(request.consentedAt)})` : ''}. It is denied.`,
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Agent chain*\n${escapeMrkdwn(chain)}` },
        { type: 'mrkdwn', text: `*Intent*\n${escapeMrkdwn(request.intent)}` },
        { type: 'mrkdwn', text: `*Task*\n${request.taskId ? escapeMrkdwn(request.taskId) : 'none named'}` },
        {
          type: 'mrkdwn',
          text: `*Asked for*\n${request.tier} for ${formatSeconds(request.requestedDurationSeconds)}`,
        },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Objects*\n${resourceLines(view)}` } },
    // The agent wrote the justification: plain text, so it cannot pose as aperture's own lines or links.
    { type: 'context', elements: [{ type: 'mrkdwn', text: '*Justification* (from the agent)' }] },
    { type: 'section', text: { type: 'plain_text', text: request.justification, emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: delegation } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Request ${request.id}; the audit log holds the event \`security.not-me\` with the whole chain.`,
        },
      ],
    },
  ];
  return { text, blocks };
}
