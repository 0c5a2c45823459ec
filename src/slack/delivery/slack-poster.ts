import { randomUUID } from 'node:crypto';
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import { recordAuditEvent } from '../../audit/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { Logger } from '../../logging/logger.ts';
import { isConversationId, type SlackChannelIds } from '../channel-ids.ts';
import { platformError, slackCall } from '../slack-errors.ts';

/** The metadata every post carries, so a post whose ts was never stored can be found again. */
const metadataType = 'aperture_request';

/** A message to post or to show again: the notification text and its blocks. */
export interface SlackContent {
  text: string;
  blocks?: unknown[];
}

/** A stored post (a SlackMessage row that Slack took). */
export interface PostedMessage {
  channel: string;
  ts: string | null;
  purpose: string;
}

/**
 * Posts and updates a request's messages, each at most once per (request, purpose): the
 * SlackMessage row is written before the post, the ts after; a retry that finds a row without ts
 * looks for the post in the channel history (by its metadata) before posting again.
 */
export class SlackPoster {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly client: WebClient,
    private readonly logger: Logger,
    private readonly channels: SlackChannelIds,
  ) {}

  async postOnce(
    requestId: string,
    purpose: string,
    target: string,
    content: SlackContent,
    options: { threadTs?: string } = {},
  ): Promise<void> {
    const existing = await this.prisma.slackMessage.findUnique({
      where: { requestId_purpose: { requestId, purpose } },
    });
    if (existing?.ts) return;
    // The history lookup needs an id: a DM's conversation, a channel's id (a row written while
    // Slack could not tell it holds the name until it can).
    const channel = await this.conversationOf(existing?.channel ?? target);
    const row = existing
      ? existing.channel === channel
        ? existing
        : await this.prisma.slackMessage.update({ where: { id: existing.id }, data: { channel } })
      : await this.prisma.slackMessage.create({ data: { id: randomUUID(), requestId, purpose, channel } });
    const metadata = { event_type: metadataType, event_payload: { request_id: requestId, purpose } };
    const found = existing
      ? await this.findPosted(row.channel, row.createdAt, requestId, purpose, options.threadTs)
      : null;
    let posted = found;
    if (!posted) {
      const result = await slackCall('chat.postMessage', () =>
        this.client.chat.postMessage({
          channel: row.channel,
          text: content.text,
          metadata,
          ...(content.blocks ? { blocks: content.blocks } : {}),
          ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
        } as ChatPostMessageArguments),
      );
      posted = { channel: String(result.channel ?? row.channel), ts: String(result.ts) };
    }
    await this.prisma.slackMessage.update({
      where: { id: row.id },
      data: { channel: posted.channel, ts: posted.ts },
    });
    await recordAuditEvent(this.prisma, {
      type: 'slack.posted',
      subject: { kind: 'access-request', id: requestId },
      payload: { purpose, channel: posted.channel, ts: posted.ts, recovered: found !== null },
    });
  }

  /** Shows a posted message as it is now (idempotent: the same state renders the same); audited. */
  async update(
    requestId: string,
    row: PostedMessage,
    content: SlackContent,
    state: Record<string, unknown>,
  ): Promise<void> {
    if (!row.ts) return;
    const ts = row.ts;
    await slackCall('chat.update', () =>
      this.client.chat.update({
        channel: row.channel,
        ts,
        text: content.text,
        ...(content.blocks ? { blocks: content.blocks } : {}),
      } as Parameters<WebClient['chat']['update']>[0]),
    );
    await recordAuditEvent(this.prisma, {
      type: 'slack.updated',
      subject: { kind: 'access-request', id: requestId },
      payload: { purpose: row.purpose, ...state },
    });
  }

  private async conversationOf(target: string): Promise<string> {
    if (!/^[UW]/.test(target)) return this.channels.idOf(target);
    const opened = await slackCall('conversations.open', () =>
      this.client.conversations.open({ users: target }),
    );
    return opened.channel?.id ?? target;
  }

  /**
   * A post that reached Slack before its ts was stored (a crash, a timeout, an error after the
   * post): found by its metadata, in the channel's history (a thread's replies, for a reply) since
   * just before the row was written. Slack failing to answer is retried with the job (posting
   * blindly could post twice); Slack refusing the lookup (a channel known only by name, a missing
   * scope) leaves nothing to find, and the post goes out (once more, at worst).
   */
  private async findPosted(
    channel: string,
    since: Date,
    requestId: string,
    purpose: string,
    threadTs: string | undefined,
  ) {
    if (!isConversationId(channel)) return null;
    // Slack's clock and the database's may differ: look from well before.
    const oldest = String(Math.floor(since.getTime() / 1000) - 600);
    let cursor: string | undefined;
    try {
      for (let page = 0; page < 50; page += 1) {
        const window = {
          channel,
          oldest,
          limit: 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        };
        const history = threadTs
          ? await slackCall('conversations.replies', () =>
              this.client.conversations.replies({ ...window, ts: threadTs }),
            )
          : await slackCall('conversations.history', () => this.client.conversations.history(window));
        const match = history.messages?.find((message) => {
          const payload = message.metadata?.event_payload as
            | { request_id?: string; purpose?: string }
            | undefined;
          return (
            message.metadata?.event_type === metadataType &&
            payload?.request_id === requestId &&
            payload?.purpose === purpose
          );
        });
        if (match?.ts) return { channel, ts: match.ts };
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) return null;
      }
    } catch (error) {
      const refused = platformError(error);
      if (!refused) throw error;
      this.logger.warn({ requestId, purpose, error: refused }, 'Slack refused the history lookup; posting');
    }
    return null;
  }
}
