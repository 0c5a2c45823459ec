import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/open-database.ts';
import type { RequestView } from '../requests/request-view.ts';
import type { SlackPoster } from './delivery/slack-poster.ts';
import { consentPromptBlocks } from './messages/consent-blocks.ts';
import { slackUserOf } from './slack-person.ts';

/** The SlackMessage purpose of the DM asking the person a request is made for (one per request). */
export const personPromptPrefix = 'requester:';

/**
 * The DM that asks the person a request is made for to confirm it, and keeps showing where their
 * answer and the request stand. Posted once per request; updated on every later event.
 */
export class PersonPrompt {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly poster: SlackPoster,
    private readonly lookup: { prisma: PrismaClient; client: WebClient; lookupByEmail: boolean },
  ) {}

  /** Asks the person (nothing when Slack does not know them: the console asks them too). */
  async ask(view: RequestView): Promise<void> {
    const person = await this.prisma.person.findUnique({
      where: { id: view.request.humanId },
      select: { id: true, email: true, slackUserId: true, active: true },
    });
    if (!person?.active) return;
    const user = await slackUserOf(this.lookup, person);
    if (!user) return;
    await this.poster.postOnce(
      view.request.id,
      `${personPromptPrefix}${person.id}`,
      user,
      consentPromptBlocks(view),
    );
  }

  /** Shows the posted prompt as the request is now (nothing when none was posted). */
  async update(view: RequestView): Promise<void> {
    const row = await this.prisma.slackMessage.findUnique({
      where: {
        requestId_purpose: {
          requestId: view.request.id,
          purpose: `${personPromptPrefix}${view.request.humanId}`,
        },
      },
    });
    if (!row?.ts) return;
    await this.poster.update(view.request.id, row, consentPromptBlocks(view), {
      status: view.request.status,
      consent: view.request.consent,
      answer: view.request.consentAnswer,
    });
  }
}
