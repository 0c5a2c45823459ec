import type { VendedRole } from '../../../generated/prisma/client.ts';
import { recordAuditEvent } from '../../audit/index.ts';
import { checkDelegationState } from '../../identity/tokens/check-delegation-state.ts';
import type { AgentViewer } from '../../identity/viewer.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
import { policyHuman } from '../../policy/access-context.ts';
import { planVendedAccess } from '../plan/plan-vended-access.ts';
import { roleGrantsFor } from '../role-grants.ts';
import type { VendingDeps } from '../vending-deps.ts';
import { expiryJob } from '../vending-jobs.ts';
import { endLogin } from './end-login.ts';
import { accessToStore, auditedDataset, channelOf, loginActor, storedAccess } from './login-record.ts';
import { narrows, sameReach } from './reach-change.ts';
import { reliedGrants } from './relied-grants.ts';

/**
 * Brings one login to what its delegation may read now, or ends it: a revoked token, a stopped
 * agent or human, an expired login, a grant it relied on ended, or nothing left to read. It never
 * lives longer than it was vended for.
 */
export async function recheckLogin(deps: VendingDeps, record: VendedRole): Promise<void> {
  const now = new Date();
  if (record.expiresAt <= now) return void (await endLogin(deps, record, 'expired'));
  const viewer = await delegationOf(deps, record);
  if ('ended' in viewer) return void (await endLogin(deps, record, viewer.ended));
  const database = deps.databases.get(record.source);
  if (!database) return void (await endLogin(deps, record, 'source no longer registered'));
  const slice = await deps.access.sliceFor(viewer, channelOf(record.channel));
  const access = await planVendedAccess(slice, record.source);
  if (access.datasets.length === 0) return void (await endLogin(deps, record, 'nothing left to read'));
  const grants = await reliedGrants(deps.grants, viewer, access.grantIds, now);
  const expiresAt = new Date(
    Math.min(
      record.expiresAt.getTime(),
      ...grants.map((grant) => Math.floor(grant.expiresAt.getTime() / 1000) * 1000),
    ),
  );
  if (expiresAt <= now) return void (await endLogin(deps, record, 'a grant it relied on ended'));
  const { grants: roleGrants, datasets } = roleGrantsFor(
    access,
    policyHuman(viewer.human),
    database.names,
    expiresAt,
  );
  const before = storedAccess(record);
  const shortened = expiresAt.getTime() !== record.expiresAt.getTime();
  if (sameReach(before, datasets) && !shortened) return;
  const narrowed = narrows(before, datasets);
  try {
    await database.updateRole(record.roleName, roleGrants, narrowed);
  } catch (error) {
    // A login that cannot be narrowed (a stale catalog, a privilege missing, a table lock held too
    // long) must not keep what it may no longer read: it ends. A widening can wait for a retry.
    if (!narrowed) throw error;
    deps.logger.warn(
      { source: record.source, role: record.roleName, err: error },
      'a vended login could not be narrowed: ended',
    );
    return void (await endLogin(deps, record, 'its access narrowed and the database could not follow'));
  }
  if (shortened) await scheduleJobs(deps.prisma, [expiryJob(record.id, expiresAt)]);
  await deps.prisma.vendedRole.update({
    where: { id: record.id },
    data: {
      access: accessToStore(datasets),
      grantIds: access.grantIds,
      policyVersion: access.policyVersion,
      expiresAt,
      refreshedAt: now,
    },
  });
  await recordAuditEvent(deps.prisma, {
    type: 'database.role.refreshed',
    actor: loginActor(record),
    intent: record.intent,
    subject: { kind: 'vended-role', id: record.roleName },
    policyVersion: access.policyVersion,
    payload: {
      source: record.source,
      role: record.roleName,
      expiresAt,
      grants: access.grantIds,
      datasets: datasets.map(auditedDataset),
      before: before.map(auditedDataset),
    },
  });
}

/** The delegation a login was vended to, as it stands now; or why it no longer holds. */
async function delegationOf(deps: VendingDeps, record: VendedRole): Promise<AgentViewer | { ended: string }> {
  const snapshot = await deps.identity.snapshot();
  if (snapshot.revokedTokenIds.has(record.tokenId)) return { ended: 'its delegation token was revoked' };
  const { agents, problem } = checkDelegationState(
    snapshot,
    record.chain,
    record.intent,
    deps.maxDelegationDepth,
  );
  if (problem) return { ended: problem.message };
  const person = await deps.identity.person({ id: record.humanId });
  if (!person?.active) return { ended: 'the human is no longer active' };
  const { active: _active, ...human } = person;
  return {
    kind: 'agent',
    human,
    chain: agents.map(({ id, clientId, name }) => ({ id, clientId, name })),
    intent: record.intent,
    taskId: record.taskId,
    tokenId: record.tokenId,
    expiresAt: record.expiresAt,
  };
}
