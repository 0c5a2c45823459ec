import type { WebClient } from '@slack/web-api';
import type { PrismaClient } from '../db/open-database.ts';
import type { IdentityState } from '../identity/state/identity-state.ts';
import type { Viewer } from '../identity/viewer.ts';
import { slackCall } from './slack-errors.ts';

export type SlackPerson =
  | { found: true; viewer: Extract<Viewer, { kind: 'human' }> }
  | { found: false; reason: string };

/**
 * The person behind a Slack user: by the Slack id stored in the people directory; by email
 * (users.info, then the directory) only when enabled, and never when that email's person is
 * already linked to another Slack user. Inactive people are nobody.
 */
export async function slackPerson(
  deps: { prisma: PrismaClient; identity: IdentityState; client: WebClient; lookupByEmail: boolean },
  slackUserId: string,
): Promise<SlackPerson> {
  let person = await deps.prisma.person.findUnique({ where: { slackUserId }, select: { id: true } });
  if (!person && deps.lookupByEmail) {
    const info = await slackCall('users.info', () => deps.client.users.info({ user: slackUserId })).catch(
      () => null,
    );
    const email = info?.user?.profile?.email?.toLowerCase();
    if (email) {
      const byEmail = await deps.prisma.person.findUnique({
        where: { email },
        select: { id: true, slackUserId: true },
      });
      if (byEmail?.slackUserId && byEmail.slackUserId !== slackUserId) {
        return {
          found: false,
          reason: `${email} belongs to another Slack user; ask an admin to fix the people directory`,
        };
      }
      person = byEmail;
    }
  }
  const state = person ? await deps.identity.person({ id: person.id }) : null;
  if (!state?.active)
    return { found: false, reason: 'your Slack account is not linked to a person aperture knows' };
  const { active: _active, ...human } = state;
  return {
    found: true,
    viewer: { kind: 'human', human, issuer: 'slack', expiresAt: new Date(Date.now() + 60_000) },
  };
}

/**
 * The Slack user to DM for a person: the stored Slack id; by users.lookupByEmail only when
 * enabled, and not when Slack's answer is a user already linked to someone else.
 */
export async function slackUserOf(
  deps: { prisma: PrismaClient; client: WebClient; lookupByEmail: boolean },
  person: { id: string; email: string; slackUserId: string | null },
): Promise<string | null> {
  if (person.slackUserId) return person.slackUserId;
  if (!deps.lookupByEmail) return null;
  const found = await slackCall('users.lookupByEmail', () =>
    deps.client.users.lookupByEmail({ email: person.email }),
  ).catch(() => null);
  const userId = found?.user?.id;
  if (!userId) return null;
  const linked = await deps.prisma.person.findUnique({
    where: { slackUserId: userId },
    select: { id: true },
  });
  return linked && linked.id !== person.id ? null : userId;
}
