import { randomUUID } from 'node:crypto';
import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import { recordAuditEvent } from '../audit/index.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { RetryLaterError } from '../jobs/job-worker.ts';
import type { Logger } from '../logging/logger.ts';
import type { ApprovalEvent, ApprovalNotifier } from '../requests/approval-notifier.ts';
import { loadRequestView, type RequestView } from '../requests/request-view.ts';
import { isConversationId, type SlackChannelIds } from './channel-ids.ts';
import { approvalBlocks, outcomeText, pendingProgress } from './messages/approval-blocks.ts';
import type { SlackConfig } from './slack-config.ts';
import { platformError, slackCall } from './slack-errors.ts';
import { slackUserOf } from './slack-person.ts';

/** The metadata every post carries, so a post whose ts was never stored can be found again. */
const metadataType = 'aperture_request';

/** Events the requesting human hears about by DM. */
const outcomeEvents = new Set(['approved', 'denied', 'expired', 'cancelled', 'grant-revoked']);

/**
 * Approval messages in Slack, delivered from the durable job queue: every call is retried until
 * Slack takes it (Retry-After honoured), and nothing is posted twice. Each message is a
 * SlackMessage row (request, purpose): the row is written before the post, the ts after; a retry
 * that finds a row without ts looks for the post in the channel history (by its metadata) before
 * posting again.
 */
export class SlackNotifier implements ApprovalNotifier {
  readonly configured = true;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly client: WebClient,
    private readonly config: SlackConfig,
    private readonly logger: Logger,
    private readonly channels: SlackChannelIds,
  ) {}

  async notify(event: ApprovalEvent): Promise<void> {
    const view = await loadRequestView(this.prisma, event.requestId);
    if (!view) return;
    const deliveries = new Deliveries(this.logger, event);
    if (event.kind === 'routed' || event.kind === 'escalated') await this.postPrompts(view, deliveries);
    if (event.kind !== 'routed') await this.updatePosted(view, deliveries);
    if (event.kind === 'escalated') await deliveries.run('reminder', () => this.remind(view));
    if (outcomeEvents.has(event.kind))
      await deliveries.run('outcome', () => this.tellHuman(view, event.kind));
    deliveries.throwIfAnyFailed();
  }

  /** One prompt per target: the rule's channels, the approvals channel, or each approver's DM. */
  private async postPrompts(view: RequestView, deliveries: Deliveries): Promise<void> {
    const message = approvalBlocks(view);
    for (const target of await this.targets(view)) {
      await deliveries.run(target.purpose, () =>
        this.postOnce(view.request.id, target.purpose, target.channel, message.text, {
          blocks: message.blocks,
        }),
      );
    }
  }

  private async targets(view: RequestView): Promise<{ purpose: string; channel: string }[]> {
    const slack = view.routing?.slack;
    const channels = slack?.channels.length
      ? slack.channels
      : this.config.approvalsChannel
        ? [this.config.approvalsChannel]
        : [];
    const direct = slack?.directMessages || channels.length === 0;
    const targets = channels.map((channel) => ({ purpose: `approvers:${channel}`, channel }));
    if (direct) {
      const approvers = await this.prisma.person.findMany({
        where: { id: { in: view.request.eligibleApproverIds }, active: true },
        select: { id: true, email: true, slackUserId: true },
      });
      for (const approver of approvers) {
        const user = await slackUserOf(this.lookup(), approver);
        if (user) targets.push({ purpose: `approver:${approver.id}`, channel: user });
      }
      if (targets.length === 0) {
        this.logger.warn(
          { requestId: view.request.id },
          'no approver of this request has a Slack id and no channel is configured',
        );
      }
    }
    return targets;
  }

  private async postOnce(
    requestId: string,
    purpose: string,
    target: string,
    text: string,
    options: { blocks?: unknown[]; threadTs?: string } = {},
  ) {
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
          text,
          metadata,
          ...(options.blocks ? { blocks: options.blocks } : {}),
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

  /** Every posted prompt shows the request as it is now (idempotent: the same state renders the same). */
  private async updatePosted(view: RequestView, deliveries: Deliveries): Promise<void> {
    const posted = await this.prisma.slackMessage.findMany({
      where: { requestId: view.request.id, ts: { not: null }, NOT: { purpose: { startsWith: 'outcome:' } } },
    });
    const message = approvalBlocks(view);
    for (const row of posted) {
      await deliveries.run(row.purpose, () => this.updateOne(view, row, message));
    }
  }

  private async updateOne(
    view: RequestView,
    row: { channel: string; ts: string | null; purpose: string },
    message: ReturnType<typeof approvalBlocks>,
  ): Promise<void> {
    await slackCall('chat.update', () =>
      this.client.chat.update({
        channel: row.channel,
        ts: row.ts!,
        text: message.text,
        blocks: message.blocks,
      }),
    );
    await recordAuditEvent(this.prisma, {
      type: 'slack.updated',
      subject: { kind: 'access-request', id: view.request.id },
      payload: { purpose: row.purpose, status: view.request.status, grant: view.grant?.status ?? null },
    });
  }

  /** Escalation: a reminder under each channel prompt (new approvers got their own prompts). */
  private async remind(view: RequestView): Promise<void> {
    const channels = await this.prisma.slackMessage.findMany({
      where: { requestId: view.request.id, ts: { not: null }, purpose: { startsWith: 'approvers:' } },
    });
    for (const row of channels) {
      await this.postOnce(
        view.request.id,
        `reminder:${row.channel}`,
        row.channel,
        `Reminder: this request is still pending and was escalated: ${pendingProgress(view)}.`,
        { threadTs: row.ts! },
      );
    }
  }

  private async tellHuman(view: RequestView, event: string): Promise<void> {
    const human = await this.prisma.person.findUnique({
      where: { id: view.request.humanId },
      select: { id: true, email: true, slackUserId: true },
    });
    const user = human ? await slackUserOf(this.lookup(), human) : null;
    if (!user) return;
    await this.postOnce(view.request.id, `outcome:${event}`, user, outcomeText(view, event));
  }

  private lookup() {
    return { prisma: this.prisma, client: this.client, lookupByEmail: this.config.lookupByEmail };
  }
}

/** Slack errors that retrying will not fix: the target is skipped (and logged), the others still get theirs. */
const permanentErrors = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'user_disabled',
  'account_inactive',
  'cannot_dm_bot',
  'message_not_found',
  'cant_update_message',
  'restricted_action',
]);

/**
 * One delivery per target: a failing target neither blocks the others nor is retried forever when
 * Slack says it cannot work; transient failures fail the job after every target was tried.
 */
class Deliveries {
  private failure: unknown;

  constructor(
    private readonly logger: Logger,
    private readonly event: ApprovalEvent,
  ) {}

  async run(target: string, deliver: () => Promise<void>): Promise<void> {
    try {
      await deliver();
    } catch (error) {
      const permanent = platformError(error);
      if (permanent && permanentErrors.has(permanent)) {
        this.logger.warn(
          { ...this.event, target, error: permanent },
          'a Slack target cannot be reached; skipped',
        );
        return;
      }
      // Retry-After wins over other failures: the whole job waits as long as Slack asks.
      if (!(this.failure instanceof RetryLaterError)) this.failure = error;
    }
  }

  throwIfAnyFailed(): void {
    if (this.failure) throw this.failure;
  }
}
