import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import type { ApprovalEvent, ApprovalEventKind, ApprovalNotifier } from '../requests/approval-notifier.ts';
import { loadRequestView, type RequestView } from '../requests/request-view.ts';
import type { SlackChannelIds } from './channel-ids.ts';
import { Deliveries } from './delivery/deliveries.ts';
import { SlackPoster } from './delivery/slack-poster.ts';
import { approvalBlocks, outcomeText, pendingProgress } from './messages/approval-blocks.ts';
import { PersonPrompt, personPromptPrefix } from './person-prompt.ts';
import { SecurityAlerts, securityAlertPrefix } from './security-alerts.ts';
import type { SlackConfig } from './slack-config.ts';
import { slackUserOf } from './slack-person.ts';

/** Events the requesting human hears about by DM. */
const outcomeEvents = new Set<ApprovalEventKind>([
  'approved',
  'denied',
  'expired',
  'cancelled',
  'grant-revoked',
]);

/** Events after which the person's own confirmation prompt shows something new. */
const personPromptEvents = new Set<ApprovalEventKind>([
  'consent-given',
  'not-me',
  'approved',
  'denied',
  'expired',
  'cancelled',
  'grant-revoked',
  'grant-expired',
]);

/** Posts that are not an approval prompt (they have their own messages). */
const notApprovalPrompts = ['outcome:', personPromptPrefix, securityAlertPrefix];

/**
 * Approval messages in Slack, delivered from the durable job queue: every call is retried until
 * Slack takes it (Retry-After honoured), and nothing is posted twice (SlackPoster). The person a
 * request is made for gets their confirmation prompt (PersonPrompt); a "not me" alerts governance
 * (SecurityAlerts).
 */
export class SlackNotifier implements ApprovalNotifier {
  readonly configured = true;
  private readonly poster: SlackPoster;
  private readonly personPrompt: PersonPrompt;
  private readonly securityAlerts: SecurityAlerts;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly client: WebClient,
    private readonly config: SlackConfig,
    private readonly logger: Logger,
    channels: SlackChannelIds,
    governanceGroup: string,
  ) {
    this.poster = new SlackPoster(prisma, client, logger, channels);
    this.personPrompt = new PersonPrompt(prisma, this.poster, this.lookup());
    this.securityAlerts = new SecurityAlerts(prisma, this.poster, config, governanceGroup, logger, client);
  }

  async notify(event: ApprovalEvent): Promise<void> {
    const view = await loadRequestView(this.prisma, event.requestId);
    if (!view) return;
    const deliveries = new Deliveries(this.logger, event);
    const person = `${personPromptPrefix}${view.request.humanId}`;
    if (event.kind === 'consent-asked') await deliveries.run(person, () => this.personPrompt.ask(view));
    if (event.kind === 'routed' || event.kind === 'escalated') await this.postPrompts(view, deliveries);
    if (event.kind !== 'routed' && event.kind !== 'consent-asked') await this.updatePosted(view, deliveries);
    if (personPromptEvents.has(event.kind))
      await deliveries.run(person, () => this.personPrompt.update(view));
    if (event.kind === 'not-me') await this.securityAlerts.notMe(view, deliveries);
    if (event.kind === 'escalated') await deliveries.run('reminder', () => this.remind(view));
    // The person who answered "not me" denied it themselves: their prompt says so already.
    if (outcomeEvents.has(event.kind) && view.request.consentAnswer !== 'NOT_ME')
      await deliveries.run('outcome', () => this.tellHuman(view, event.kind));
    deliveries.throwIfAnyFailed();
  }

  /** One prompt per target: the rule's channels, the approvals channel, or each approver's DM. */
  private async postPrompts(view: RequestView, deliveries: Deliveries): Promise<void> {
    const message = approvalBlocks(view);
    for (const target of await this.targets(view)) {
      await deliveries.run(target.purpose, () =>
        this.poster.postOnce(view.request.id, target.purpose, target.channel, message),
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

  /** Every posted approval prompt shows the request as it is now. */
  private async updatePosted(view: RequestView, deliveries: Deliveries): Promise<void> {
    const posted = await this.prisma.slackMessage.findMany({
      where: {
        requestId: view.request.id,
        ts: { not: null },
        NOT: notApprovalPrompts.map((prefix) => ({ purpose: { startsWith: prefix } })),
      },
    });
    const message = approvalBlocks(view);
    const state = { status: view.request.status, grant: view.grant?.status ?? null };
    for (const row of posted) {
      await deliveries.run(row.purpose, () => this.poster.update(view.request.id, row, message, state));
    }
  }

  /** Escalation: a reminder under each channel prompt (new approvers got their own prompts). */
  private async remind(view: RequestView): Promise<void> {
    const channels = await this.prisma.slackMessage.findMany({
      where: { requestId: view.request.id, ts: { not: null }, purpose: { startsWith: 'approvers:' } },
    });
    for (const row of channels) {
      await this.poster.postOnce(
        view.request.id,
        `reminder:${row.channel}`,
        row.channel,
        { text: `Reminder: this request is still pending and was escalated: ${pendingProgress(view)}.` },
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
    await this.poster.postOnce(view.request.id, `outcome:${event}`, user, { text: outcomeText(view, event) });
  }

  private lookup() {
    return { prisma: this.prisma, client: this.client, lookupByEmail: this.config.lookupByEmail };
  }
}
