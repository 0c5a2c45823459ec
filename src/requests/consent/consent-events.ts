import type { AccessRequest, StandingConsent } from '../../../generated/prisma/client.ts';
import type { AuditEventInput, Channel } from '../../audit/index.ts';
import type { ConfirmationAsked } from './confirmation-asked.ts';

/** The audit events of a filed request's confirmation: asked of the person, or given by a standing consent. */
export function consentEvents(
  request: AccessRequest,
  asked: ConfirmationAsked | null,
  standing: StandingConsent | null,
  channel: Channel | null,
): AuditEventInput[] {
  if (!asked) return [];
  const about = {
    actor: { humanId: request.humanId, agentChain: request.chain },
    intent: request.intent,
    subject: { kind: 'access-request', id: request.id },
    channel,
  };
  if (standing) {
    return [
      {
        ...about,
        type: 'consent.used',
        payload: {
          standingConsentId: standing.id,
          scope: standing.scope,
          askedBy: asked.askedBy,
          uses: standing.uses,
        },
      },
    ];
  }
  return [{ ...about, type: 'consent.asked', payload: { position: asked.position, askedBy: asked.askedBy } }];
}
