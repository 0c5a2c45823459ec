import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/open-database.ts';
import {
  personOfSlackUser,
  type SlackPerson,
  slackUserOfPerson,
} from '../identity/humans/slack-user-person.ts';
import type { IdentityState } from '../identity/state/identity-state.ts';
import { slackCall } from './slack-errors.ts';

/** The person behind a Slack user (the rule is identity's); Slack's users.info gives the email. */
export function slackPerson(
  deps: { prisma: PrismaClient; identity: IdentityState; client: WebClient; lookupByEmail: boolean },
  slackUserId: string,
): Promise<SlackPerson> {
  const emailOf = async (user: string) => {
    const info = await slackCall('users.info', () => deps.client.users.info({ user })).catch(() => null);
    return info?.user?.profile?.email ?? null;
  };
  return personOfSlackUser(
    { prisma: deps.prisma, identity: deps.identity, emailOf: deps.lookupByEmail ? emailOf : null },
    slackUserId,
  );
}

/** The Slack user to DM for a person (the rule is identity's); Slack's users.lookupByEmail finds one. */
export function slackUserOf(
  deps: { prisma: PrismaClient; client: WebClient; lookupByEmail: boolean },
  person: { id: string; email: string; slackUserId: string | null },
): Promise<string | null> {
  const userOfEmail = async (email: string) => {
    const found = await slackCall('users.lookupByEmail', () =>
      deps.client.users.lookupByEmail({ email }),
    ).catch(() => null);
    return found?.user?.id ?? null;
  };
  return slackUserOfPerson(
    { prisma: deps.prisma, userOfEmail: deps.lookupByEmail ? userOfEmail : null },
    person,
  );
}
