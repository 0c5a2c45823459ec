import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { StandingConsent } from '../../../generated/prisma/client.ts';
import type { ConsentAnswer } from '../../../generated/prisma/enums.ts';
import type { HumanViewer } from '../../identity/viewer.ts';
import { alwaysForDaysActionId, consentActionIds } from '../messages/consent-blocks.ts';
import { revokeConsentActionId } from '../messages/standing-consent-blocks.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { answerFromSlack } from './consent-answer.ts';
import { standingConsentsMessage } from './consent-list.ts';
import { runAsClicker } from './run-as-clicker.ts';
import { replyPrivately } from './slack-reply.ts';

const answerOfAction = new Map<string, ConsentAnswer>(
  Object.entries(consentActionIds).map(([answer, actionId]) => [actionId, answer as ConsentAnswer]),
);

/** Exactly the four answer buttons (`aperture.consent.once`, ...), not the select or Revoke. */
const answerActions = new RegExp(
  `^(${[...answerOfAction.keys()].map((id) => id.replace(/\./g, '\\.')).join('|')})$`,
);

/** A days choice: `<days>:<requestId>` (the core checks the range and the id). */
const daysChoiceSchema = z.string().regex(/^\d{1,3}:.{1,200}$/);

/**
 * The person's answers to their agent's request (the DM's buttons and the days select), and the
 * Revoke buttons of `/aperture consents`. They only carry the click to the requests domain.
 */
export function registerConsentListeners(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(answerActions, async ({ ack, body, action }) => {
    await ack();
    const answer = answerOfAction.get(action.action_id);
    if (!answer) return;
    await answerFromSlack(deps, {
      slackUserId: body.user.id,
      channel: body.channel?.id,
      requestId: action.value ?? '',
      answer,
    });
  });

  app.action<BlockAction<StaticSelectAction>>(alwaysForDaysActionId, async ({ ack, body, action }) => {
    await ack();
    const chosen = daysChoiceSchema.safeParse(action.selected_option?.value);
    if (!chosen.success) {
      await replyPrivately(
        deps,
        { channel: body.channel?.id, slackUserId: body.user.id },
        'Choose how many days.',
      );
      return;
    }
    const [days, ...rest] = chosen.data.split(':');
    await answerFromSlack(deps, {
      slackUserId: body.user.id,
      channel: body.channel?.id,
      requestId: rest.join(':'),
      answer: 'ALWAYS',
      days: Number(days),
    });
  });

  app.action<BlockAction<ButtonAction>>(revokeConsentActionId, async ({ ack, body, action, respond }) => {
    await ack();
    const to = { channel: body.channel?.id, slackUserId: body.user.id };
    const consentId = action.value ?? '';
    const done: { viewer?: HumanViewer; revoked?: StandingConsent } = {};
    const refusal = await runAsClicker(
      deps,
      { slackUserId: body.user.id, subject: { kind: 'standing-consent', id: consentId.slice(0, 200) } },
      { revoke: 'standing-consent' },
      async (clicker) => {
        done.viewer = clicker;
        done.revoked = await deps.requests.revokeStandingConsent(clicker, consentId);
      },
    );
    if (refusal && 'unknownPerson' in refusal) {
      await replyPrivately(deps, to, `aperture does not know you: ${refusal.unknownPerson}.`);
      return;
    }
    // Someone else's consent answers like one that does not exist (the core's NOT_FOUND).
    const { viewer, revoked } = done;
    if (!viewer) return;
    const note = revoked
      ? `:white_check_mark: Revoked: ${revoked.tier} on ${revoked.paths.join(', ')}. Its agent asks you again before such requests.`
      : `Cannot revoke: ${refusal && 'refused' in refusal ? refusal.refused.message : 'it was not revoked'}.`;
    // The list is shown again, as it is now, in place of the one clicked (an ephemeral message).
    const message = await standingConsentsMessage(deps, viewer, note);
    try {
      await respond({ response_type: 'ephemeral', replace_original: true, ...message });
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not refresh the consents list; replying');
      await replyPrivately(deps, to, note);
    }
  });
}
