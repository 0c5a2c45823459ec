import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import type { RequestView } from '../requests/request-view.ts';
import type { Deliveries } from './delivery/deliveries.ts';
import type { SlackPoster } from './delivery/slack-poster.ts';
import { notMeAlertBlocks } from './messages/security-alert-blocks.ts';
import type { SlackConfig } from './slack-config.ts';
import { slackUserOf } from './slack-person.ts';

/** The SlackMessage purposes of security alerts: `security:<channel>` or `security:<personId>`. */
export const securityAlertPrefix = 'security:';

/**
 * Security alerts to governance ("not me"): to the security channel, else the approvals channel,
 * else a DM to each active member of the governance group. Each target once per request.
 */
export class SecurityAlerts {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly poster: SlackPoster,
    private readonly config: SlackConfig,
    private readonly governanceGroup: string,
    private readonly logger: Logger,
    private readonly client: WebClient,
  ) {}

  async notMe(view: RequestView, deliveries: Deliveries): Promise<void> {
    const message = notMeAlertBlocks(view, { delegationRevoked: await this.delegationRevoked(view) });
    const targets = await this.targets();
    if (targets.length === 0) {
      this.logger.warn(
        { requestId: view.request.id },
        'a "not me" security alert has nowhere to go in Slack: no security or approvals channel, and no governance member has a Slack id',
      );
    }
    for (const target of targets) {
      await deliveries.run(target.purpose, () =>
        this.poster.postOnce(view.request.id, target.purpose, target.channel, message),
      );
    }
  }

  /** What the core decided with the answer, as its audit event recorded it. */
  private async delegationRevoked(view: RequestView): Promise<boolean> {
    const event = await this.prisma.auditEvent.findFirst({
      where: { type: 'security.not-me', subjectKind: 'access-request', subjectId: view.request.id },
      select: { payload: true },
    });
    const payload = event?.payload as { revokeDelegation?: unknown } | null | undefined;
    return payload?.revokeDelegation === true;
  }

  private async targets(): Promise<{ purpose: string; channel: string }[]> {
    const channel = this.config.securityChannel ?? this.config.approvalsChannel;
    if (channel) return [{ purpose: `${securityAlertPrefix}${channel}`, channel }];
    const members = await this.prisma.person.findMany({
      where: { active: true, groups: { has: this.governanceGroup } },
      select: { id: true, email: true, slackUserId: true },
      orderBy: { email: 'asc' },
    });
    const lookup = { prisma: this.prisma, client: this.client, lookupByEmail: this.config.lookupByEmail };
    const targets: { purpose: string; channel: string }[] = [];
    for (const member of members) {
      const user = await slackUserOf(lookup, member);
      if (user) targets.push({ purpose: `${securityAlertPrefix}${member.id}`, channel: user });
    }
    return targets;
  }
}
