import type { types } from '@slack/bolt';
import type { StandingConsent } from '../../../generated/prisma/client.ts';
import { escapeMrkdwn, slackDate } from './mrkdwn.ts';

type KnownBlock = types.KnownBlock;

export const revokeConsentActionId = 'aperture.consent.revoke';

/** Slack allows 50 blocks a message: the rest are in the console. */
const mostShown = 40;

/** A standing consent with its agents' names (outermost first). */
export interface ListedConsent {
  consent: StandingConsent;
  chainNames: string[];
}

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

function consentText({ consent, chainNames }: ListedConsent): string {
  const scope =
    consent.scope === 'TASK'
      ? `for the task *${escapeMrkdwn(consent.taskId ?? '')}*`
      : 'for the agent (always)';
  const paths = consent.paths.map((path) => `\`${escapeMrkdwn(path)}\``).join(', ');
  const used = consent.lastUsedAt
    ? `used ${consent.uses} time${consent.uses === 1 ? '' : 's'}, last ${slackDate(consent.lastUsedAt)}`
    : 'not used yet';
  const text = [
    `*${escapeMrkdwn(chainNames.join(' → '))}* ${scope}`,
    `intent *${escapeMrkdwn(consent.intent)}*, *${consent.tier}* on ${paths}`,
    `until ${slackDate(consent.expiresAt)}; ${used}`,
  ].join('\n');
  // A section holds 3,000 characters; a consent over many objects is shown in full in the console.
  return text.length > 2_900 ? `${text.slice(0, 2_850)}… (in full in the console's My agents)` : text;
}

/**
 * A person's standing consents, each with a Revoke button (and a note above, e.g. what a revoke
 * did). Pure.
 */
export function standingConsentBlocks(
  listed: readonly ListedConsent[],
  note?: string,
): { text: string; blocks: KnownBlock[] } {
  const head = listed.length === 0 ? 'You have no standing consent in force.' : 'Your standing consents:';
  const blocks: KnownBlock[] = [
    ...(note ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: note } }] : []),
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          listed.length === 0
            ? `${head} Your agents ask you before their requests that need your confirmation.`
            : `${head} while one is in force, its agent's matching requests do not ask you again.`,
      },
    },
    ...listed.slice(0, mostShown).map(
      (item): KnownBlock => ({
        type: 'section',
        text: { type: 'mrkdwn', text: consentText(item) },
        accessory: {
          type: 'button',
          action_id: revokeConsentActionId,
          text: plain('Revoke'),
          value: item.consent.id,
          style: 'danger',
          confirm: {
            title: plain('Revoke this consent?'),
            text: { type: 'mrkdwn', text: 'Its agent will ask you again before such requests.' },
            confirm: plain('Revoke'),
            deny: plain('Keep'),
          },
        },
      }),
    ),
    ...(listed.length > mostShown
      ? [
          {
            type: 'context' as const,
            elements: [
              {
                type: 'mrkdwn' as const,
                text: `and ${listed.length - mostShown} more in the console's My agents`,
              },
            ],
          },
        ]
      : []),
  ];
  const text = `${note ? `${note} ` : ''}${head}${listed.map(({ consent }) => ` ${consent.tier} on ${consent.paths.join(', ')} (${consent.id})`).join(';')}`;
  return { text: text.slice(0, 3_000), blocks };
}
