import { randomUUID } from 'node:crypto';
import type { Prisma, VendedRole } from '../../generated/prisma/client.ts';
import { type Channel, channelNames, currentChannel, recordAuditEvent } from '../audit/index.ts';
import type { ChangeFeed } from '../db/change-feed.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { IdentityState } from '../identity/state/identity-state.ts';
import { checkDelegationState } from '../identity/tokens/check-delegation-state.ts';
import { type AgentViewer, requireAgent, type Viewer } from '../identity/viewer.ts';
import { scheduleJobs } from '../jobs/job-queue.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import type { Logger } from '../logging/logger.ts';
import { policyHuman } from '../policy/access-context.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import type { GrantSource } from '../policy/slice/grant-source.ts';
import { ApertureError } from '../shared/errors.ts';
import { planVendedAccess } from './plan/plan-vended-access.ts';
import { randomPassword, randomRoleSuffix } from './postgres/scram-verifier.ts';
import type { EndOutcome } from './postgres/source-database.ts';
import { roleGrantsFor, type VendedDatasetAccess } from './role-grants.ts';
import { vendedRoleLifetime } from './role-lifetime.ts';
import type { SourceConnections } from './source-connections.ts';
import { SourceDatabases } from './source-databases.ts';
import type { VendedCredential } from './vended-credential.ts';
import { type SweepReport, VendingStatus } from './vending-status.ts';

export interface VendingConfig {
  sources: SourceConnections;
  maxSeconds: number;
  sweepSeconds: number;
}

export const vendingJobKind = { sweep: 'vending.sweep', expire: 'vending.expire' } as const;

/** Shorter than this, a login is not worth vending: the agent should exchange a fresh token. */
const minimumSeconds = 10;

/** Logins rechecked at once (each recheck takes a source connection or two). */
const followConcurrency = 4;

/** Changes that can narrow or widen what a vended role reads. */
const followedTopics = new Set(['policies', 'grants', 'identity', 'people', 'catalog', undefined]);

interface StoredAccess {
  datasets: VendedDatasetAccess[];
}

/**
 * Role vending: a short-lived login in a source database whose rights are exactly the caller's
 * slice of that source, kept in step with every change that affects it, ended when the
 * delegation, a grant or its time ends, and reconciled by a durable sweep.
 */
export class VendingModule {
  readonly databases: SourceDatabases;
  readonly status = new VendingStatus();
  private readonly unsubscribe: () => void;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private following: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      access: AccessService;
      identity: IdentityState;
      grants: GrantSource;
      changes: ChangeFeed;
      logger: Logger;
      config: VendingConfig;
      maxDelegationDepth: number;
    },
  ) {
    this.databases = new SourceDatabases(deps.config.sources);
    this.unsubscribe = deps.changes.subscribe((topic) => {
      if (followedTopics.has(topic)) this.followSoon();
    });
  }

  get configured(): boolean {
    return this.deps.config.sources.size > 0;
  }

  /** The sources roles can be vended in (names only). */
  sourceNames(): string[] {
    return [...this.deps.config.sources.keys()].sort();
  }

  /**
   * Vends a login for `viewer` (an agent chain) in `source`. A source that is not registered and
   * one where the viewer reads nothing answer alike, so the answer tells nothing of the catalog.
   */
  async vend(viewer: Viewer, source: string, ttlSeconds: number | null): Promise<VendedCredential> {
    const agent = requireAgent(viewer, 'vendDatabaseCredential');
    if (ttlSeconds !== null && (!Number.isInteger(ttlSeconds) || ttlSeconds < minimumSeconds)) {
      throw new ApertureError(
        'INVALID_INPUT',
        `ttlSeconds must be a whole number of at least ${minimumSeconds}`,
      );
    }
    const database = this.databases.get(source);
    const channel = currentChannel();
    const slice = await this.deps.access.sliceFor(agent, channel);
    const access = await planVendedAccess(slice, source);
    if (!database || access.datasets.length === 0) throw nothingToQuery(source);
    const now = new Date();
    const snapshot = await this.deps.identity.snapshot();
    const intent = snapshot.intents.get(agent.intent);
    const grants = await this.reliedGrants(agent, access.grantIds, now);
    const { expiresAt, limitedBy } = vendedRoleLifetime({
      now,
      maxSeconds: this.deps.config.maxSeconds,
      ttlSeconds,
      tokenExpiresAt: agent.expiresAt,
      intentMaxSeconds: intent?.maxTokenLifetimeSeconds ?? 0,
      grantExpiries: grants.map((grant) => grant.expiresAt),
    });
    // VALID UNTIL has whole seconds: the lifetime was rounded down by less than one.
    if (expiresAt.getTime() - now.getTime() <= (minimumSeconds - 1) * 1000) {
      throw new ApertureError(
        'INVALID_INPUT',
        `a login would live less than ${minimumSeconds} s (its ${limitedBy} ends first): exchange a fresh token first`,
      );
    }
    const human = policyHuman(agent.human);
    const { grants: roleGrants, datasets } = roleGrantsFor(access, human, database.names, expiresAt);
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
        throw this.sourceFailure(source, error);
      });
    try {
      await this.deps.prisma.vendedRole.create({
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
          access: { datasets } as unknown as Prisma.InputJsonValue,
          grantIds: access.grantIds,
          policyVersion: access.policyVersion,
          expiresAt,
        },
      });
      await scheduleJobs(this.deps.prisma, [expiryJob(id, expiresAt)]);
    } catch (error) {
      await database.endRole(roleName).catch(() => {});
      throw error;
    }
    await recordAuditEvent(this.deps.prisma, {
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
    this.deps.logger.info(
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
      datasets: datasets.map(({ shape: _shape, filterKey: _filterKey, ...shown }) => shown),
    };
  }

  /**
   * What the agent hears when the source database refuses (the admin lacks a privilege, the
   * catalog is stale): no database detail, which is for operators and goes to the log.
   */
  private sourceFailure(source: string, error: unknown): ApertureError {
    if (error instanceof ApertureError) return error;
    this.deps.logger.warn(
      { source, err: error },
      `source ${source} refused to vend a login: run \`aperture sources check ${source}\``,
    );
    return new ApertureError(
      'UNAVAILABLE',
      `the source ${source} cannot vend a login now; its operators are told why in aperture's log`,
    );
  }

  /** Ends a login the same agent chain holds (an agent done with its query releases it). */
  async release(viewer: Viewer, username: string): Promise<boolean> {
    const agent = requireAgent(viewer, 'releaseDatabaseCredential');
    const record = await this.deps.prisma.vendedRole.findFirst({
      where: {
        roleName: username,
        status: 'ACTIVE',
        humanId: agent.human.id,
        intent: agent.intent,
        chain: { equals: agent.chain.map((hop) => hop.id) },
      },
    });
    // Another chain's login answers like one that does not exist.
    if (!record) throw new ApertureError('NOT_FOUND', `no active database login ${username} of yours`);
    await this.end(record, 'released by the agent');
    return true;
  }

  /**
   * Active vended roles whose reach includes `path` (for explainAccess): an agent's own
   * delegation's, or for a person every role vended to their agents.
   */
  async rolesCarrying(viewer: Viewer, path: string): Promise<string[]> {
    if (viewer.kind === 'anonymous') return [];
    const delegation =
      viewer.kind === 'agent'
        ? { intent: viewer.intent, chain: { equals: viewer.chain.map((hop) => hop.id) } }
        : {};
    const records = await this.deps.prisma.vendedRole.findMany({
      where: { status: 'ACTIVE', humanId: viewer.human.id, expiresAt: { gt: new Date() }, ...delegation },
      select: { roleName: true, access: true },
    });
    return records
      .filter(({ access }) =>
        (access as unknown as StoredAccess).datasets.some(
          (dataset) => dataset.dataset === path || path.startsWith(`${dataset.dataset}.`),
        ),
      )
      .map((record) => record.roleName)
      .sort();
  }

  /**
   * Rechecks every active login now, and resolves when done: a revocation awaits it before it
   * answers, so that no login resting on what was revoked reads anything once it has. Failures are
   * logged (the revocation itself holds; the change feed and the sweep try again).
   */
  followNow(): Promise<void> {
    if (this.closed || !this.configured) return Promise.resolve();
    clearTimeout(this.followTimer);
    this.following = this.following
      .then(() => this.followAll())
      .catch((error: unknown) =>
        this.deps.logger.error(
          { err: error },
          'vended roles could not follow a revocation; the sweep retries',
        ),
      );
    return this.following;
  }

  /** Rechecks every active role soon (coalescing a burst of changes into one pass). */
  private followSoon(): void {
    if (this.closed || !this.configured) return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      this.following = this.following
        .then(() => this.followAll())
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error }, 'vended roles could not follow a change; the sweep retries'),
        );
    }, 25);
    this.followTimer.unref();
  }

  /** Rechecks every active vended role of every source against the current state. */
  async followAll(): Promise<void> {
    for (const source of this.sourceNames()) {
      const database = this.databases.get(source)!;
      await database.exclusively(async () => {
        const records = await this.deps.prisma.vendedRole.findMany({ where: { source, status: 'ACTIVE' } });
        // A few at a time: ending many logins at once (an agent many people use was suspended)
        // must not take one round of statements per login in turn.
        for (let start = 0; start < records.length; start += followConcurrency) {
          await Promise.all(
            records.slice(start, start + followConcurrency).map((record) =>
              // One login that cannot be brought up to date must not keep the others from it.
              this.recheck(record).catch((error: unknown) =>
                this.deps.logger.warn(
                  { source, role: record.roleName, err: error },
                  'a vended login could not follow a change; the sweep retries',
                ),
              ),
            ),
          );
        }
      });
    }
  }

  /**
   * Brings one role to what its delegation may read now, or ends it: a revoked token, a stopped
   * agent or human, an expired login, or nothing left to read.
   */
  private async recheck(record: VendedRole): Promise<void> {
    const now = new Date();
    if (record.expiresAt <= now) return void (await this.end(record, 'expired'));
    const viewer = await this.viewerOf(record);
    if ('ended' in viewer) return void (await this.end(record, viewer.ended));
    const database = this.databases.get(record.source);
    if (!database) return void (await this.end(record, 'source no longer registered'));
    const slice = await this.deps.access.sliceFor(viewer, channelOf(record.channel));
    const access = await planVendedAccess(slice, record.source);
    if (access.datasets.length === 0) return void (await this.end(record, 'nothing left to read'));
    const grants = await this.reliedGrants(viewer, access.grantIds, now);
    const expiresAt = new Date(
      Math.min(
        record.expiresAt.getTime(),
        ...grants.map((grant) => Math.floor(grant.expiresAt.getTime() / 1000) * 1000),
      ),
    );
    if (expiresAt <= now) return void (await this.end(record, 'a grant it relied on ended'));
    const { grants: roleGrants, datasets } = roleGrantsFor(
      access,
      policyHuman(viewer.human),
      database.names,
      expiresAt,
    );
    const before = (record.access as unknown as StoredAccess).datasets;
    if (sameReach(before, datasets) && expiresAt.getTime() === record.expiresAt.getTime()) return;
    await database.updateRole(record.roleName, roleGrants, narrows(before, datasets));
    if (expiresAt.getTime() !== record.expiresAt.getTime()) {
      await scheduleJobs(this.deps.prisma, [expiryJob(record.id, expiresAt)]);
    }
    await this.deps.prisma.vendedRole.update({
      where: { id: record.id },
      data: {
        access: { datasets } as unknown as Prisma.InputJsonValue,
        grantIds: access.grantIds,
        policyVersion: access.policyVersion,
        expiresAt,
        refreshedAt: now,
      },
    });
    await recordAuditEvent(this.deps.prisma, {
      type: 'database.role.refreshed',
      actor: { humanId: record.humanId, agentChain: record.chain },
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

  /** The delegation a role was vended to, as it stands now; or why it no longer holds. */
  private async viewerOf(record: VendedRole): Promise<AgentViewer | { ended: string }> {
    const snapshot = await this.deps.identity.snapshot();
    if (snapshot.revokedTokenIds.has(record.tokenId)) return { ended: 'its delegation token was revoked' };
    const { agents, problem } = checkDelegationState(
      snapshot,
      record.chain,
      record.intent,
      this.deps.maxDelegationDepth,
    );
    if (problem) return { ended: problem.message };
    const person = await this.deps.identity.person({ id: record.humanId });
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

  private async reliedGrants(viewer: AgentViewer, ids: readonly string[], now: Date) {
    if (ids.length === 0) return [];
    const wanted = new Set(ids);
    const grants = await this.deps.grants.for(
      {
        humanId: viewer.human.id,
        chain: viewer.chain.map((hop) => hop.id),
        intent: viewer.intent,
        taskId: viewer.taskId,
      },
      now,
    );
    return grants
      .filter((grant) => wanted.has(grant.id))
      .map((grant) => ({ id: grant.id, expiresAt: grant.expiresAt ?? now }));
  }

  /** Ends a role in its database, then in aperture's records, and audits it. */
  private async end(record: VendedRole, reason: string): Promise<EndOutcome | null> {
    const database = this.databases.get(record.source);
    const outcome = database ? await database.endRole(record.roleName) : null;
    const status = outcome?.ended === 'disabled' ? 'DISABLED' : 'ENDED';
    const updated = await this.deps.prisma.vendedRole.updateMany({
      where: { id: record.id, status: 'ACTIVE' },
      data: { status, endedAt: new Date(), endReason: reason },
    });
    if (updated.count === 0) return outcome;
    await recordAuditEvent(this.deps.prisma, {
      type: 'database.role.ended',
      actor: { humanId: record.humanId, agentChain: record.chain },
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
      this.deps.logger.warn(
        { source: record.source, role: record.roleName, reason: outcome.reason },
        'a vended role could not be dropped: it is disabled (no login, no rights)',
      );
    }
    return outcome;
  }

  /**
   * The sweep: ends expired and orphaned logins, marks records whose role vanished, rechecks the
   * rest, and drops shapes nothing uses. Counts go to health.
   */
  async sweep(): Promise<SweepReport[]> {
    const reports: SweepReport[] = [];
    for (const source of this.sourceNames()) {
      const database = this.databases.get(source)!;
      const report: SweepReport = {
        source,
        at: new Date(),
        active: 0,
        expiredEnded: 0,
        orphansEnded: 0,
        missing: 0,
        disabled: 0,
        shapesDropped: 0,
        error: null,
      };
      try {
        await database.exclusively(async () => {
          const inDatabase = new Set(await database.vendedRoles());
          const records = await this.deps.prisma.vendedRole.findMany({
            where: { source, status: { in: ['ACTIVE', 'DISABLED'] } },
          });
          const known = new Set(records.map((record) => record.roleName));
          for (const record of records) {
            if (!inDatabase.has(record.roleName)) {
              report.missing += 1;
              await this.deps.prisma.vendedRole.updateMany({
                where: { id: record.id, status: { in: ['ACTIVE', 'DISABLED'] } },
                data: {
                  status: 'ENDED',
                  endedAt: new Date(),
                  endReason: record.endReason ?? 'role missing in the database',
                },
              });
              continue;
            }
            if (record.status === 'DISABLED') {
              const outcome = await database.endRole(record.roleName);
              if (outcome.ended === 'dropped') {
                await this.deps.prisma.vendedRole.update({
                  where: { id: record.id },
                  data: { status: 'ENDED' },
                });
              } else report.disabled += 1;
              continue;
            }
            if (record.expiresAt <= new Date()) {
              report.expiredEnded += 1;
              await this.end(record, 'expired');
            } else {
              await this.recheck(record);
            }
          }
          for (const roleName of inDatabase) {
            if (known.has(roleName)) continue;
            const outcome = await database.endRole(roleName);
            report.orphansEnded += 1;
            if (outcome.ended === 'disabled') report.disabled += 1;
          }
          report.active = await this.deps.prisma.vendedRole.count({ where: { source, status: 'ACTIVE' } });
          report.shapesDropped = await database.dropUnusedShapes();
        });
      } catch (error) {
        report.error = (error as Error).message;
        this.deps.logger.warn({ source, err: error }, 'the vending sweep could not reconcile a source');
      }
      this.status.record(report);
      if (
        report.expiredEnded + report.orphansEnded + report.missing + report.shapesDropped > 0 ||
        report.error
      ) {
        await recordAuditEvent(this.deps.prisma, {
          type: 'database.roles.swept',
          subject: { kind: 'source', id: source },
          payload: report,
        });
      }
      reports.push(report);
    }
    return reports;
  }

  /** Schedules the first sweep (each run schedules the next). */
  async scheduleSweep(): Promise<void> {
    if (!this.configured) return;
    await scheduleJobs(this.deps.prisma, [this.sweepJob(new Date())]);
  }

  private sweepJob(after: Date) {
    const intervalMs = this.deps.config.sweepSeconds * 1000;
    const runAt = new Date((Math.floor(after.getTime() / intervalMs) + 1) * intervalMs);
    return {
      kind: vendingJobKind.sweep,
      key: `${vendingJobKind.sweep}:${runAt.toISOString()}`,
      payload: {},
      runAt,
      maxAttempts: 3,
    };
  }

  /** Ends a login at its expiry (a durable timer per login; the sweep is the safety net). */
  private async expire(id: string): Promise<void> {
    const record = await this.deps.prisma.vendedRole.findUnique({ where: { id } });
    if (record?.status !== 'ACTIVE' || record.expiresAt.getTime() > Date.now()) return;
    const database = this.databases.get(record.source);
    if (!database) return void (await this.end(record, 'source no longer registered'));
    await database.exclusively(() => this.end(record, 'expired'));
  }

  jobHandlers(): Map<string, JobHandler> {
    return new Map([
      [
        vendingJobKind.expire,
        async (job) => {
          const { id } = job.payload as { id: string };
          await this.expire(id);
        },
      ],
      [
        vendingJobKind.sweep,
        async (job) => {
          await scheduleJobs(this.deps.prisma, [
            this.sweepJob(new Date(Math.max(Date.now(), job.runAt.getTime()))),
          ]);
          if (this.configured) await this.sweep();
        },
      ],
    ]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.followTimer);
    this.unsubscribe();
    await this.following;
    await this.databases.close();
  }
}

/** The door a role was vended through, as stored (`{}`: none known). */
function storedChannel(channel: Channel | null): Prisma.InputJsonObject {
  return channel ? { name: channel.name, client: channel.client } : {};
}

function channelOf(stored: Prisma.JsonValue): Channel | null {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored) || typeof stored.name !== 'string')
    return null;
  const name = channelNames.find((known) => known === stored.name);
  return name ? { name, client: typeof stored.client === 'string' ? stored.client : null } : null;
}

function expiryJob(id: string, expiresAt: Date) {
  return {
    kind: vendingJobKind.expire,
    key: `${vendingJobKind.expire}:${id}:${expiresAt.toISOString()}`,
    payload: { id },
    runAt: expiresAt,
  };
}

function nothingToQuery(source: string): ApertureError {
  return new ApertureError(
    'NOT_FOUND',
    `there is nothing you may query in a source named ${source}: search the catalog for what you may read, or request access`,
  );
}

function auditedDataset(dataset: VendedDatasetAccess) {
  return {
    dataset: dataset.dataset,
    relation: dataset.relation,
    columns: dataset.columns,
    masked: dataset.masked,
    rowFilter: dataset.rowFilter,
  };
}

/**
 * Whether `after` takes anything away from `before`: a dataset, a column, rows (any change of the
 * filter), or a column's raw value (a mask set or changed). Lifting a mask or adding columns or
 * datasets does not.
 */
function narrows(before: readonly VendedDatasetAccess[], after: readonly VendedDatasetAccess[]): boolean {
  const kept = new Map(after.map((dataset) => [dataset.dataset, dataset]));
  return before.some((dataset) => {
    const now = kept.get(dataset.dataset);
    if (!now || now.filterKey !== dataset.filterKey || now.rowFilter !== dataset.rowFilter) return true;
    const columns = new Set(now.columns);
    const maskedBefore = new Map(dataset.masked.map((entry) => [entry.column, entry.method]));
    return (
      dataset.columns.some((column) => !columns.has(column)) ||
      now.masked.some((entry) => maskedBefore.get(entry.column) !== entry.method)
    );
  });
}

function sameReach(a: readonly VendedDatasetAccess[], b: readonly VendedDatasetAccess[]): boolean {
  const key = (list: readonly VendedDatasetAccess[]) =>
    JSON.stringify(
      list.map((dataset) => [dataset.dataset, dataset.shape, dataset.filterKey, dataset.rowFilter]),
    );
  return key(a) === key(b);
}
