import type { VendedRole } from '../../../generated/prisma/client.ts';
import { recordAuditEvent } from '../../audit/index.ts';
import type { EndOutcome } from '../postgres/source-database.ts';
import type { VendingDeps } from '../vending-deps.ts';
import { loginActor } from './login-record.ts';

/**
 * Ends a login in its database (rights, login, sessions, then the role), then in aperture's
 * records, and audits it. Ending twice changes nothing the second time.
 */
export async function endLogin(
  deps: VendingDeps,
  record: VendedRole,
  reason: string,
): Promise<EndOutcome | null> {
  const database = deps.databases.get(record.source);
  const outcome = database ? await database.endRole(record.roleName) : null;
  const status = outcome?.ended === 'disabled' ? 'DISABLED' : 'ENDED';
  const updated = await deps.prisma.vendedRole.updateMany({
    where: { id: record.id, status: 'ACTIVE' },
    data: { status, endedAt: new Date(), endReason: reason },
  });
  if (updated.count === 0) return outcome;
  await recordAuditEvent(deps.prisma, {
    type: 'database.role.ended',
    actor: loginActor(record),
    intent: record.intent,
    subject: { kind: 'vended-role', id: record.roleName },
    policyVersion: record.policyVersion,
    payload: {
      source: record.source,
      role: record.roleName,
      grants: record.grantIds,
      reason,
      outcome: outcome?.ended ?? 'source unregistered',
      sessionsTerminated: outcome?.sessions ?? 0,
      ...(outcome?.ended === 'disabled' ? { dropFailed: outcome.reason } : {}),
    },
  });
  if (outcome?.ended === 'disabled') {
    deps.logger.warn(
      { source: record.source, role: record.roleName, reason: outcome.reason },
      'a vended role could not be dropped: it is disabled (no login, no rights)',
    );
  }
  return outcome;
}
