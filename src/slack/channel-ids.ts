import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import { platformError, slackCall } from './slack-errors.ts';

/** A Slack conversation id (public or private channel, DM), as opposed to a `#name`. */
const conversationId = /^[CGD][A-Z0-9]{2,}$/;

/** Whether Slack can read this conversation's history (history takes ids, never names). */
export function isConversationId(channel: string): boolean {
  return conversationId.test(channel);
}

/**
 * The id of a channel named in settings or rules (`#access-approvals`). Slack posts to a name but
 * reads history only by id, and finding a post again after a lost answer (a crash, a 500 after
 * the post) needs the history: a post whose channel is only a name could be posted twice. Looked up
 * in this order: ids pass through; a name is remembered once resolved; an earlier delivered post
 * to it names its id; `conversations.list` (scope `channels:read`, `groups:read` for private
 * channels). When none knows it, the name is used as is (and logged once); when Slack fails to
 * answer, the delivery is retried like any other.
 */
export class SlackChannelIds {
  private readonly known = new Map<string, string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  async idOf(channel: string): Promise<string> {
    if (conversationId.test(channel)) return channel;
    const name = channel.replace(/^#/, '');
    const remembered = this.known.get(name);
    if (remembered) return remembered;
    const found = (await this.fromEarlierPosts(name)) ?? (await this.fromSlack(name));
    if (found) {
      this.known.set(name, found);
      return found;
    }
    if (!this.warned.has(name)) {
      this.warned.add(name);
      this.logger.warn(
        { channel },
        'Slack channel id unknown (give its id, or grant channels:read): a post whose answer is lost could be posted twice',
      );
    }
    return channel;
  }

  private async fromEarlierPosts(name: string): Promise<string | undefined> {
    const row = await this.prisma.slackMessage.findFirst({
      where: { purpose: { in: [`approvers:${name}`, `approvers:#${name}`] }, ts: { not: null } },
      select: { channel: true },
    });
    return row && conversationId.test(row.channel) ? row.channel : undefined;
  }

  private async fromSlack(name: string): Promise<string | undefined> {
    let cursor: string | undefined;
    try {
      for (let page = 0; page < 20; page += 1) {
        const listed = await slackCall('conversations.list', () =>
          this.client.conversations.list({
            types: 'public_channel,private_channel',
            exclude_archived: true,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          }),
        );
        const match = listed.channels?.find((candidate) => candidate.name === name);
        if (match?.id) return match.id;
        cursor = listed.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
    } catch (error) {
      // Slack refusing the method (`missing_scope`) leaves the name; Slack failing is retried.
      const refused = platformError(error);
      if (!refused) throw error;
      this.logger.debug({ channel: name, error: refused }, 'conversations.list refused');
    }
    return undefined;
  }
}
