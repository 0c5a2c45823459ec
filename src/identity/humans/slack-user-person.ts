import type { PrismaClient } from '../../db/open-database.ts';
import type { IdentityState } from '../state/identity-state.ts';
import type { HumanViewer } from '../viewer.ts';

export type SlackPerson = { found: true; viewer: HumanViewer } | { found: false; reason: string };

/**
 * The person behind a Slack user: by the Slack id stored in the people directory; by email
 * (`emailOf`, then the directory) only when given, and never when that email's person is
 * already linked to another Slack user. Inactive people are nobody.
 */
export async function personOfSlackUser(
  deps: {
    prisma: PrismaClient;
    identity: IdentityState;
    /** The email Slack holds for a user (null: lookup by email is off). */
    emailOf: ((slackUserId: string) => Promise<string | null>) | null;
  },
  slackUserId: string,
): Promise<SlackPerson> {
  let person = await deps.prisma.person.findUnique({ where: { slackUserId }, select: { id: true } });
  if (!person && deps.emailOf) {
    const email = (await deps.emailOf(slackUserId))?.toLowerCase();
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
 * The Slack user to reach a person at: the stored Slack id; by email (`userOfEmail`) only when
 * given, and not when Slack's answer is a user already linked to someone else.
 */
export async function slackUserOfPerson(
  deps: {
    prisma: PrismaClient;
    /** The Slack user Slack holds for an email (null: lookup by email is off). */
    userOfEmail: ((email: string) => Promise<string | null>) | null;
  },
  person: { id: string; email: string; slackUserId: string | null },
): Promise<string | null> {
  if (person.slackUserId) return person.slackUserId;
  if (!deps.userOfEmail) return null;
  const userId = await deps.userOfEmail(person.email);
  if (!userId) return null;
  const linked = await deps.prisma.person.findUnique({
    where: { slackUserId: userId },
    select: { id: true },
  });
  return linked && linked.id !== person.id ? null : userId;
}
