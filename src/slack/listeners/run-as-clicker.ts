import { recordAuditEvent } from '../../audit/index.ts';
import type { HumanViewer } from '../../identity/viewer.ts';
import { ApertureError } from '../../shared/errors.ts';
import type { SlackDeps } from '../slack-deps.ts';
import { slackPerson } from '../slack-person.ts';

/** Why a click did not count: the clicker is no known person, or the domain refused them. */
export type ClickRefusal = { unknownPerson: string } | { refused: ApertureError };

/**
 * Runs a click (on a request, a standing consent) as the person behind the Slack user who clicked (never anyone else),
 * and audits it either way: `slack.click`, or `slack.click-refused` with the reason. The domain
 * decides whether that person may do it; its expected refusals come back to be told privately,
 * anything else is thrown.
 */
export async function runAsClicker(
  deps: SlackDeps,
  click: { slackUserId: string; subject: { kind: string; id: string } },
  what: Record<string, unknown>,
  act: (viewer: HumanViewer) => Promise<unknown>,
): Promise<ClickRefusal | null> {
  const person = await slackPerson(
    {
      prisma: deps.prisma,
      identity: deps.identity,
      client: deps.client,
      lookupByEmail: deps.config.lookupByEmail,
    },
    click.slackUserId,
  );
  const audit = (accepted: boolean, reason: string | null, humanId: string | null) =>
    recordAuditEvent(deps.prisma, {
      type: accepted ? 'slack.click' : 'slack.click-refused',
      actor: humanId ? { humanId } : undefined,
      subject: click.subject,
      payload: { slackUserId: click.slackUserId, ...what, reason },
    });
  if (!person.found) {
    await audit(false, person.reason, null);
    return { unknownPerson: person.reason };
  }
  try {
    await act(person.viewer);
    await audit(true, null, person.viewer.human.id);
    return null;
  } catch (error) {
    if (!(error instanceof ApertureError)) throw error;
    await audit(false, error.message, person.viewer.human.id);
    return { refused: error };
  }
}
