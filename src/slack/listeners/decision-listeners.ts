import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { approveActionPrefix, denyActionId } from '../messages/approval-blocks.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { decideFromSlack } from './click-outcome.ts';

const denyViewId = 'aperture.deny-reason';

/** Approve buttons decide at once; Deny asks for a reason in a modal first. */
export function registerDecisionListeners(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${approveActionPrefix.replace(/\./g, '\\.')}\\d+$`),
    async ({ ack, body, action }) => {
      await ack();
      const seconds = Number(action.action_id.slice(approveActionPrefix.length));
      await decideFromSlack(
        deps,
        {
          slackUserId: body.user.id,
          channel: body.channel?.id,
          requestId: action.value ?? '',
          decision: 'approve',
        },
        (viewer) => deps.requests.approve(viewer, { requestId: action.value ?? '', duration: seconds }),
      );
    },
  );

  app.action<BlockAction<ButtonAction>>(denyActionId, async ({ ack, body, action }) => {
    await ack();
    await deps.client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: denyViewId,
        private_metadata: JSON.stringify({ requestId: action.value, channel: body.channel?.id ?? null }),
        title: { type: 'plain_text', text: 'Deny access' },
        submit: { type: 'plain_text', text: 'Deny' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: 'Why? The agent and the human are shown this.' },
            element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 1000 },
          },
        ],
      },
    });
  });

  app.view<ViewSubmitAction>(denyViewId, async ({ ack, body, view }) => {
    const reason = view.state.values.reason?.reason?.value?.trim() ?? '';
    if (reason === '') {
      await ack({ response_action: 'errors', errors: { reason: 'Say why the request is denied.' } });
      return;
    }
    await ack();
    const { requestId, channel } = JSON.parse(view.private_metadata) as {
      requestId: string;
      channel: string | null;
    };
    await decideFromSlack(
      deps,
      { slackUserId: body.user.id, channel: channel ?? undefined, requestId, decision: 'deny' },
      (viewer) => deps.requests.deny(viewer, { requestId, reason }),
    );
  });
}
