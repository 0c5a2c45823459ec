import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { ConsentAnswer } from '../../../generated/prisma/enums.ts';
import { ApertureError } from '../../shared/errors.ts';
import { alwaysForDaysActionId, consentActionIds } from '../messages/consent-blocks.ts';
import { revokeConsentActionId } from '../messages/standing-consent-blocks.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { slackPerson } from '../slack-person.ts';
import { answerFromSlack } from './consent-answer.ts';
import { standingConsentsMessage } from './consent-list.ts';
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
    const person = await slackPerson(
      {
        prisma: deps.prisma,
        identity: deps.identity,
        client: deps.client,
        lookupByEmail: deps.config.lookupByEmail,
      },
      body.user.id,
    );
    if (!person.found) {
      await replyPrivately(deps, to, `aperture does not know you: ${person.reason}.`);
      return;
    }
    const consentId = action.value ?? '';
    let note: string;
    try {
      const revoked = await deps.requests.revokeStandingConsent(person.viewer, consentId);
      note = `:white_check_mark: Revoked: ${revoked.tier} on ${revoked.paths.join(', ')}. Its agent asks you again before such requests.`;
    } catch (error) {
      if (!(error instanceof ApertureError)) throw error;
      // Someone else's consent answers like one that does not exist (the core's NOT_FOUND).
      note = `Cannot revoke: ${error.message}.`;
    }
    // The list is shown again, as it is now, in place of the one clicked (an ephemeral message).
    const message = await standingConsentsMessage(deps, person.viewer, note);
    try {
      await respond({ response_type: 'ephemeral', replace_original: true, ...message });
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not refresh the consents list; replying');
      await replyPrivately(deps, to, note);
    }
  });
}
