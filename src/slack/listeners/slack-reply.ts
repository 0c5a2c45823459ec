import type { SlackDeps } from '../slack-deps.ts';
import { platformError, slackCall } from '../slack-errors.ts';

/**
 * A private reply to the user who clicked, in the conversation of the click. Slack refusing it (a
 * forwarded or forged click from someone outside that DM) is logged, never fails the click: what the
 * click decided stands either way.
 */
export async function replyPrivately(
  deps: Pick<SlackDeps, 'client' | 'logger'>,
  to: { channel: string | undefined; slackUserId: string },
  text: string,
): Promise<void> {
  if (!to.channel) return;
  const channel = to.channel;
  try {
    await slackCall('chat.postEphemeral', () =>
      deps.client.chat.postEphemeral({ channel, user: to.slackUserId, text }),
    );
  } catch (error) {
    const refused = platformError(error);
    if (!refused) throw error;
    deps.logger.warn(
      { channel, slackUserId: to.slackUserId, error: refused },
      'Slack refused a private reply',
    );
  }
}
