import type { StandingConsent } from '../../../generated/prisma/client.ts';
import { recordAuditEvent } from '../../audit/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { requireHuman, type Viewer } from '../../identity/viewer.ts';
import { ApertureError } from '../../shared/errors.ts';
import { isUuid } from '../request-input.ts';
import { endStandingConsents } from './standing-consents.ts';

export const standingConsentNotFound = (id: string) =>
  new ApertureError('NOT_FOUND', `no standing consent has the id ${id}`);

/**
 * A person takes back one of their standing consents: their agent's matching requests ask them
 * again. Only their own (anyone else's, or an invented id, is not found); ending one that already
 * ended changes nothing.
 */
export async function revokeStandingConsent(
  prisma: PrismaClient,
  actor: Viewer,
  consentId: string,
): Promise<StandingConsent> {
  const viewer = requireHuman(actor, 'only the person who gave a standing consent takes it back');
  const refused = async (problem: string) => {
    await recordAuditEvent(prisma, {
      type: 'consent.revoke-refused',
      actor: { humanId: viewer.human.id },
      subject: { kind: 'standing-consent', id: consentId.slice(0, 200) },
      payload: { problem },
    });
    return standingConsentNotFound(consentId);
  };
  if (!isUuid(consentId)) throw await refused('no such standing consent');
  const consent = await prisma.standingConsent.findUnique({ where: { id: consentId } });
  // Someone else's answers like one that does not exist; the attempt is audited either way.
  if (!consent || consent.humanId !== viewer.human.id)
    throw await refused(consent ? "someone else's standing consent" : 'no such standing consent');
  return prisma.$transaction(async (tx) => {
    if (consent.endedAt) return consent;
    const [ended] = await endStandingConsents(tx, [consent], 'revoked', new Date(), {
      humanId: viewer.human.id,
    });
    return ended ?? (await tx.standingConsent.findUniqueOrThrow({ where: { id: consentId } }));
  });
}
