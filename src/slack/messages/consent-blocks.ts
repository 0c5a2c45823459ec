import type { types } from '@slack/bolt';
import type { ConsentAnswer } from '../../../generated/prisma/enums.ts';
import { planOf } from '../../requests/approvals/approval-plan.ts';
import { standingConsentDays } from '../../requests/consent/consent-input.ts';
import type { RequestView } from '../../requests/request-view.ts';
import { formatSeconds, resourceLines, statusLine } from './approval-blocks.ts';
import { answerLabels } from './consent-note.ts';
import { escapeMrkdwn, slackDate } from './mrkdwn.ts';

type KnownBlock = types.KnownBlock;

/** The person's four answers, as buttons: the action id names the answer, the value the request. */
export const consentActionIds = {
  ONCE: 'aperture.consent.once',
  TASK: 'aperture.consent.task',
  ALWAYS: 'aperture.consent.always',
  NOT_ME: 'aperture.consent.not-me',
} as const satisfies Record<ConsentAnswer, string>;

/** "Always for this agent" for another length: a select whose options are `<days>:<requestId>`. */
export const alwaysForDaysActionId = 'aperture.consent.always-days';
export const alwaysDayChoices = [7, 30, 90] as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

/** Whether the person can still answer (the buttons are shown only then). */
function answerable(view: RequestView, now: Date): boolean {
  const { request } = view;
  return request.status === 'PENDING' && request.consent === 'WAITING' && request.expiresAt > now;
}

/** Where the person's answer stands, and the request's with it. */
function answerLine(view: RequestView, now: Date): string {
  const { request } = view;
  const answeredAt = request.consentedAt ? ` ${slackDate(request.consentedAt)}` : '';
  if (request.consentAnswer === 'NOT_ME') {
    return `:rotating_light: You answered *Not me*${answeredAt}: the request is denied and governance was told.`;
  }
  if (request.consent === 'GIVEN' && request.consentAnswer) {
    const then = request.status === 'PENDING' ? 'the approvers decide next.' : statusLine(view);
    return `:white_check_mark: You answered *${answerLabels[request.consentAnswer]}*${answeredAt}; ${then}`;
  }
  if (answerable(view, now)) {
    const approversToo = planOf(request).steps.length > 0;
    const after = !approversToo
      ? 'nothing else is asked: your answer decides.'
      : planOf(request).requester === 'before'
        ? 'its approvers are asked only once you allow it.'
        : 'its approvers are asked meanwhile; it is granted only if you allow it too.';
    return `:question: *Did you ask for this?* Only you can answer; ${after}`;
  }
  return `You did not answer; ${statusLine(view)}`;
}

function confirmDialog(title: string, text: string, confirm: string, style?: 'danger') {
  return {
    title: plain(title),
    text: { type: 'mrkdwn' as const, text },
    confirm: plain(confirm),
    deny: plain('Back'),
    ...(style ? { style } : {}),
  };
}

function answerButtons(view: RequestView): KnownBlock {
  const { request } = view;
  // The agent and intent are named in the message above: the dialog (300 characters at most in
  // Slack) stays within its limit whatever their length.
  const always = (howLong: string) =>
    `This agent may then ask, under this intent, for these objects (or some of them) at *${request.tier}* or less without asking you, ${howLong}. Take it back any time with \`/aperture consents\` or in the console's *My agents*.`;
  return {
    type: 'actions',
    block_id: `aperture.consent.${request.id}`,
    elements: [
      {
        type: 'button',
        action_id: consentActionIds.ONCE,
        text: plain(answerLabels.ONCE),
        value: request.id,
        style: 'primary',
      },
      ...(request.taskId
        ? [
            {
              type: 'button' as const,
              action_id: consentActionIds.TASK,
              text: plain(answerLabels.TASK),
              value: request.id,
            },
          ]
        : []),
      {
        type: 'button',
        action_id: consentActionIds.ALWAYS,
        text: plain(`${answerLabels.ALWAYS} (${standingConsentDays.default} days)`),
        value: request.id,
        confirm: confirmDialog(
          answerLabels.ALWAYS,
          always(`for ${standingConsentDays.default} days`),
          'Always allow',
        ),
      },
      {
        type: 'static_select',
        action_id: alwaysForDaysActionId,
        placeholder: plain('Always, for…'),
        options: alwaysDayChoices.map((days) => ({
          text: plain(`${days} days`),
          value: `${days}:${request.id}`,
        })),
        confirm: confirmDialog(answerLabels.ALWAYS, always('for the days you chose'), 'Always allow'),
      },
      {
        type: 'button',
        action_id: consentActionIds.NOT_ME,
        text: plain(answerLabels.NOT_ME),
        value: request.id,
        style: 'danger',
        confirm: confirmDialog(
          'Not you?',
          'This denies the request and tells governance that your agent asked for something in your name that you did not ask for.',
          'Not me',
          'danger',
        ),
      },
    ],
  };
}

/**
 * The DM to the person a request is made for: exactly what their agent asked (the chain, intent,
 * task, objects, tier, duration, justification), their four answers while they can answer, and
 * afterwards what they answered and where the request stands. Pure (but for `now`).
 */
export function consentPromptBlocks(
  view: RequestView,
  now = new Date(),
): { text: string; blocks: KnownBlock[] } {
  const { request } = view;
  const chain = view.chain.join(' → ');
  const text = `Your agent ${chain} asks for ${request.tier} access to ${request.paths.join(', ')} in your name: did you ask for this?`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Your agent asks for access in your name*: *${request.tier}* for ${formatSeconds(request.requestedDurationSeconds)}${request.scope === 'TASK' ? ' (this task only)' : ''}`,
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Agent chain*\n${escapeMrkdwn(chain)}` },
        { type: 'mrkdwn', text: `*Intent*\n${escapeMrkdwn(request.intent)}` },
        { type: 'mrkdwn', text: `*Task*\n${request.taskId ? escapeMrkdwn(request.taskId) : 'none named'}` },
        { type: 'mrkdwn', text: `*Request*\n${request.id}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Objects*\n${resourceLines(view)}` } },
    // The agent wrote the justification: plain text, so it cannot pose as aperture's own lines or links.
    { type: 'context', elements: [{ type: 'mrkdwn', text: '*Justification* (from the agent)' }] },
    { type: 'section', text: { type: 'plain_text', text: request.justification, emoji: false } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: answerLine(view, now) }] },
  ];
  if (answerable(view, now)) blocks.push(answerButtons(view));
  return { text, blocks };
}
