import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;

import type { RequestView } from '../../requests/request-view.ts';
import { consentNote } from './consent-note.ts';
import { escapeMrkdwn, slackDate } from './mrkdwn.ts';

/** Approve buttons offer these lengths, within what the request asked and the rule allows. */
const approveChoices = [
  { seconds: 3_600, label: '1 hour' },
  { seconds: 8 * 3_600, label: '8 hours' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '1 week' },
];

export const approveActionPrefix = 'aperture.approve.';
export const denyActionId = 'aperture.deny';

export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour${seconds === 3_600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** The durations an approver may choose: the request's own (or "this task"), and shorter standard ones. */
export function durationChoices(view: RequestView): { seconds: number; label: string }[] {
  const { request, routing } = view;
  const most = Math.min(request.requestedDurationSeconds, routing?.maxDuration ?? Number.POSITIVE_INFINITY);
  const asked = {
    seconds: most,
    label: request.scope === 'TASK' ? 'this task' : `${formatSeconds(most)} (as asked)`,
  };
  return [...approveChoices.filter((choice) => choice.seconds < most), asked];
}

/** Where the request stands, in one line (the prompts' footer, the outcome DM). */
export function statusLine(view: RequestView): string {
  const { request } = view;
  const by = view.decidedBy ? ` by ${escapeMrkdwn(view.decidedBy)}` : '';
  switch (request.status) {
    case 'PENDING':
      return `:hourglass: *Pending* — ${pendingProgress(view)}${request.escalated ? ' (escalated)' : ''}`;
    case 'APPROVED': {
      const grant = view.grant;
      const state =
        grant && grant.status !== 'ACTIVE'
          ? ` — grant ${grant.status.toLowerCase()}${grant.endReason ? `: ${escapeMrkdwn(grant.endReason)}` : ''}`
          : grant
            ? ` until ${slackDate(grant.expiresAt)}`
            : '';
      return `:white_check_mark: *Approved*${by}${state}`;
    }
    case 'DENIED':
      return `:no_entry: *Denied*${by}${request.decisionReason ? `: ${escapeMrkdwn(request.decisionReason)}` : ''}`;
    case 'EXPIRED':
      return ':clock3: *Expired*: no approver decided in time';
    case 'CANCELLED':
      return ':heavy_multiplication_x: *Cancelled* by the agent';
  }
}

/** "1 approval so far; 1 of 2 objects still waits": what a pending request still needs. */
export function pendingProgress(view: RequestView): string {
  const count = view.approvals.length;
  const waiting = new Set(
    view.steps.flatMap((step) =>
      step.objects.filter((object) => object.waiting).map((object) => object.path),
    ),
  ).size;
  const objects = view.request.paths.length;
  return `${count} approval${count === 1 ? '' : 's'} so far; ${waiting} of ${objects} object${objects === 1 ? '' : 's'} still ${waiting === 1 ? 'waits' : 'wait'}`;
}

/** Names, the first few of a long list. */
function someNames(names: string[], most = 5): string {
  const shown = names.slice(0, most).map(escapeMrkdwn).join(', ');
  return names.length > most ? `${shown} and ${names.length - most} more` : shown;
}

/**
 * Each approval step, and per object who approved it there or whom it still waits for. Only the
 * request's own objects appear (from its snapshot), as the requesting agent could discover them.
 */
function stepsText(view: RequestView): string {
  const ordered = view.steps.length > 1 && (view.routing?.ordered ?? false);
  const lines = view.steps.map((step, index) => {
    const title = `*${index + 1}. ${step.name ? escapeMrkdwn(step.name) : 'Approvers'}* (${step.required} per object)`;
    const state = step.satisfied
      ? ':white_check_mark: done'
      : step.open
        ? ':hourglass: open'
        : view.request.status === 'PENDING' && ordered
          ? 'after the steps before it'
          : 'not done';
    const objects = step.objects.map((object) => {
      const by = (object.approvedBy ?? []).map((person) => person.name);
      const from = (object.approvers ?? []).map((person) => person.name);
      const parts = [
        ...(by.length > 0 ? [`approved by ${someNames(by)}`] : []),
        ...(object.waiting ? [`waits for ${from.length > 0 ? someNames(from) : 'nobody eligible'}`] : []),
      ];
      return `   • \`${escapeMrkdwn(object.path)}\`: ${parts.join('; ')}`;
    });
    return [`${title} — ${state}`, ...objects].join('\n');
  });
  const text = `*Approvals${view.steps.length > 1 ? (ordered ? ', step by step in order' : ', every step') : ''}*\n${lines.join('\n')}`;
  // Slack refuses a section over 3,000 characters; the API lists every object.
  return text.length > 2_900
    ? `${text.slice(0, 2_800)}\n… (more in the API: AccessRequest.approvalSteps)`
    : text;
}

/** One line per requested object: its kind, sensitivity, tags and owner. */
export function resourceLines(view: RequestView): string {
  return view.resources
    .map(
      (resource) =>
        `• \`${escapeMrkdwn(resource.path)}\` (${resource.kind}, ${resource.sensitivity.toLowerCase()}${resource.tags.length > 0 ? `, tags: ${resource.tags.map(escapeMrkdwn).join(', ')}` : ''}${resource.ownerEmail ? `, owner ${escapeMrkdwn(resource.ownerEmail)}` : ''})`,
    )
    .join('\n');
}

/** The approval prompt (and, once decided, its final state without buttons). Pure. */
export function approvalBlocks(view: RequestView): { text: string; blocks: KnownBlock[] } {
  const { request, human } = view;
  const who = [human.title, human.department].filter(Boolean).join(', ');
  const resources = resourceLines(view);
  const text = `${human.name} asks for ${request.tier} access to ${request.paths.join(', ')} through ${view.chain.join(' → ')}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Access request* for *${escapeMrkdwn(human.name)}*${who ? ` (${escapeMrkdwn(who)})` : ''}: *${request.tier}* for ${formatSeconds(request.requestedDurationSeconds)}${request.scope === 'TASK' ? ' (this task only)' : ''}`,
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Agent chain*\n${escapeMrkdwn(view.chain.join(' → '))}` },
        {
          type: 'mrkdwn',
          text: `*Intent*\n${escapeMrkdwn(request.intent)}${request.taskId ? ` (task ${escapeMrkdwn(request.taskId)})` : ''}`,
        },
        {
          type: 'mrkdwn',
          text: `*Routed by*\n${request.ruleId ? `rule ${escapeMrkdwn(request.ruleId)}` : 'no rule: the owners'}`,
        },
        {
          type: 'mrkdwn',
          text: `*Similar requests*\n${view.similar.approved} approved, ${view.similar.denied} denied`,
        },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Resources*\n${resources}` } },
    ...(view.steps.length > 0
      ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: stepsText(view) } }]
      : []),
    // The agent wrote the justification: plain text, so it cannot pose as aperture's own lines or links.
    { type: 'context', elements: [{ type: 'mrkdwn', text: '*Justification* (from the agent)' }] },
    { type: 'section', text: { type: 'plain_text', text: request.justification, emoji: false } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: statusLine(view) }] },
  ];
  const consent = consentNote(view);
  if (consent) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: consent }] });
  if (request.status === 'PENDING') {
    blocks.push({
      type: 'actions',
      block_id: `aperture.decide.${request.id}`,
      elements: [
        ...durationChoices(view).map((choice) => ({
          type: 'button' as const,
          action_id: `${approveActionPrefix}${choice.seconds}`,
          text: { type: 'plain_text' as const, text: `Approve ${choice.label}` },
          value: request.id,
          style: 'primary' as const,
        })),
        {
          type: 'button',
          action_id: denyActionId,
          text: { type: 'plain_text', text: 'Deny…' },
          value: request.id,
          style: 'danger',
        },
      ],
    });
  }
  return { text, blocks };
}

/** The DM to the requesting human once their request is decided, expires or its grant ends. */
export function outcomeText(view: RequestView, event: string): string {
  const paths = view.request.paths.map((path) => `\`${escapeMrkdwn(path)}\``).join(', ');
  if (event === 'grant-revoked')
    return `Your grant for ${paths} was revoked${view.grant?.endReason ? `: ${escapeMrkdwn(view.grant.endReason)}` : ''}.`;
  return `Your agent's request for ${view.request.tier} access to ${paths}: ${statusLine(view)}`;
}
