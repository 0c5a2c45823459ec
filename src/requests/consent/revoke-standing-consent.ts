import type { StandingConsent } from '../../../generated/prisma/client.ts';
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
  if (!isUuid(consentId)) throw standingConsentNotFound(consentId);
  return prisma.$transaction(async (tx) => {
    const consent = await tx.standingConsent.findUnique({ where: { id: consentId } });
    if (!consent || consent.humanId !== viewer.human.id) throw standingConsentNotFound(consentId);
    if (consent.endedAt) return consent;
    const [ended] = await endStandingConsents(tx, [consent], 'revoked', new Date(), {
      humanId: viewer.human.id,
    });
    return ended ?? (await tx.standingConsent.findUniqueOrThrow({ where: { id: consentId } }));
  });
}
