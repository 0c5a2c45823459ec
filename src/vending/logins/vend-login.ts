import { randomUUID } from 'node:crypto';
import { currentChannel, recordAuditEvent } from '../../audit/index.ts';
import { requireAgent, type Viewer } from '../../identity/viewer.ts';
import { scheduleJobs } from '../../jobs/job-queue.ts';
import { policyHuman } from '../../policy/access-context.ts';
import { ApertureError } from '../../shared/errors.ts';
import { planVendedAccess } from '../plan/plan-vended-access.ts';
import { randomPassword, randomRoleSuffix } from '../postgres/scram-verifier.ts';
import { roleGrantsFor } from '../role-grants.ts';
import { vendedRoleLifetime } from '../role-lifetime.ts';
import { minimumLoginSeconds, ttlSecondsSchema } from '../vend-input.ts';
import type { VendedCredential } from '../vended-credential.ts';
import type { VendingDeps } from '../vending-deps.ts';
import { expiryJob } from '../vending-jobs.ts';
import { accessToStore, auditedDataset, storedChannel } from './login-record.ts';
import { reliedGrants } from './relied-grants.ts';

/**
 * Vends a login for `viewer` (an agent chain) in `source`. A source that is not registered and
 * one where the viewer reads nothing answer alike, so the answer tells nothing of the catalog.
 */
export async function vendLogin(
  deps: VendingDeps,
  viewer: Viewer,
  source: string,
  ttlSeconds: number | null,
): Promise<VendedCredential> {
  const agent = requireAgent(viewer, 'vendDatabaseCredential');
  const ttl = ttlSeconds === null ? null : ttlSecondsSchema.safeParse(ttlSeconds);
  if (ttl && !ttl.success) {
    throw new ApertureError('INVALID_INPUT', `ttlSeconds ${ttl.error.issues[0]?.message ?? 'is not valid'}`);
  }
  const database = deps.databases.get(source);
  const channel = currentChannel();
  const slice = await deps.access.sliceFor(agent, channel);
  const access = await planVendedAccess(slice, source);
  if (!database || access.datasets.length === 0) throw nothingToQuery(source);
  const now = new Date();
  const intent = (await deps.identity.snapshot()).intents.get(agent.intent);
  const grants = await reliedGrants(deps.grants, agent, access.grantIds, now);
  const { expiresAt, limitedBy } = vendedRoleLifetime({
    now,
    maxSeconds: deps.config.maxSeconds,
    ttlSeconds,
    tokenExpiresAt: agent.expiresAt,
    intentMaxSeconds: intent?.maxTokenLifetimeSeconds ?? 0,
    grantExpiries: grants.map((grant) => grant.expiresAt),
  });
  // VALID UNTIL has whole seconds: the lifetime was rounded down by less than one.
  if (expiresAt.getTime() - now.getTime() <= (minimumLoginSeconds - 1) * 1000) {
    throw new ApertureError(
      'INVALID_INPUT',
      `a login would live less than ${minimumLoginSeconds} s (its ${limitedBy} ends first): exchange a fresh token first`,
    );
  }
  const { grants: roleGrants, datasets } = roleGrantsFor(
    access,
    policyHuman(agent.human),
    database.names,
    expiresAt,
  );
  const id = randomUUID();
  const roleName = `${database.names.vendedPrefix}${randomRoleSuffix()}`;
  const password = randomPassword();
  const chain = agent.chain.map((hop) => hop.clientId);
  await database
    .createRole(
      { roleName, apertureId: id, humanEmail: agent.human.email, chain, intent: agent.intent },
      password,
      roleGrants,
    )
    .catch((error: unknown) => {
      throw sourceFailure(deps, source, error);
    });
  try {
    await deps.prisma.vendedRole.create({
      data: {
        id,
        roleName,
        source,
        humanId: agent.human.id,
        humanEmail: agent.human.email,
        chain: agent.chain.map((hop) => hop.id),
        intent: agent.intent,
        taskId: agent.taskId,
        tokenId: agent.tokenId,
        channel: storedChannel(channel),
        access: accessToStore(datasets),
        grantIds: access.grantIds,
        policyVersion: access.policyVersion,
        expiresAt,
      },
    });
    await scheduleJobs(deps.prisma, [expiryJob(id, expiresAt)]);
  } catch (error) {
    await database.endRole(roleName).catch(() => {});
    throw error;
  }
  await recordAuditEvent(deps.prisma, {
    type: 'database.role.vended',
    actor: { humanId: agent.human.id, agentChain: agent.chain.map((hop) => hop.id) },
    intent: agent.intent,
    subject: { kind: 'vended-role', id: roleName },
    policyVersion: access.policyVersion,
    payload: {
      source,
      role: roleName,
      expiresAt,
      limitedBy,
      grants: access.grantIds,
      datasets: datasets.map(auditedDataset),
    },
  });
  deps.logger.info(
    { source, role: roleName, human: agent.human.email, chain, intent: agent.intent, expiresAt },
    'database login vended',
  );
  return {
    source,
    host: database.connection.host,
    port: database.connection.port,
    database: database.connection.database,
    username: roleName,
    password,
    expiresAt,
    limitedBy,
    datasets: datasets.map(auditedDataset),
  };
}

function nothingToQuery(source: string): ApertureError {
  return new ApertureError(
    'NOT_FOUND',
    `there is nothing you may query in a source named ${source}: search the catalog for what you may read, or request access`,
  );
}

/**
 * What the agent hears when the source database refuses (the admin lacks a privilege, the
 * catalog is stale): no database detail, which is for operators and goes to the log.
 */
function sourceFailure(deps: VendingDeps, source: string, error: unknown): ApertureError {
  deps.logger.warn(
    { source, err: error },
    `source ${source} refused to vend a login: run \`aperture sources check ${source}\``,
  );
  return new ApertureError(
    'UNAVAILABLE',
    `the source ${source} cannot vend a login now; its operators are told why in aperture's log`,
  );
}
