import { recordAuditEvent } from '../audit/index.ts';
import { requireAgent, type Viewer } from '../identity/viewer.ts';
import { scheduleJobs } from '../jobs/job-queue.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import { grantKey } from '../requests/grants/active-grants.ts';
import { ApertureError } from '../shared/errors.ts';
import { endLogin } from './logins/end-login.ts';
import { storedAccess } from './logins/login-record.ts';
import { recheckLogin } from './logins/recheck-login.ts';
import { sweepSource } from './logins/sweep-source.ts';
import { vendLogin } from './logins/vend-login.ts';
import { SourceDatabases } from './source-databases.ts';
import type { VendedCredential } from './vended-credential.ts';
import type { VendingDeps } from './vending-deps.ts';
import { sweepJob, vendingJobKind } from './vending-jobs.ts';
import { type SweepReport, VendingStatus } from './vending-status.ts';

export type { VendingConfig } from './vending-deps.ts';
export { vendingJobKind } from './vending-jobs.ts';

/** Which logins a pass rechecks: all, or those of the delegations with these grant keys. */
type FollowScope = 'all' | Set<string>;

/** Logins rechecked at once (each recheck takes a source connection or two). */
const followConcurrency = 4;

/** Changes that can narrow or widen what a vended login reads. */
const followedTopics = new Set(['policies', 'grants', 'identity', 'people', 'catalog', undefined]);

/**
 * Role vending: a short-lived login in a source database whose rights are exactly the caller's
 * slice of that source, kept in step with every change that affects it, ended when the
 * delegation, a grant or its time ends, and reconciled by a durable sweep.
 */
export class VendingModule {
  readonly status = new VendingStatus();
  private readonly deps: VendingDeps;
  private readonly unsubscribe: () => void;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private following: Promise<void> = Promise.resolve();
  private closed = false;
  /** Followed changes heard so far (a vend that overlapped one rechecks its new login). */
  private changesHeard = 0;
  /** What the next pass rechecks: every login, or those of these delegations (grant keys). */
  private pendingScope: FollowScope = new Set();

  constructor(deps: Omit<VendingDeps, 'databases'>) {
    this.deps = { ...deps, databases: new SourceDatabases(deps.config.sources) };
    this.unsubscribe = deps.changes.subscribe((topic, detail) => {
      if (!followedTopics.has(topic)) return;
      this.changesHeard += 1;
      // A new grant names its delegation: only that delegation's logins can read more.
      this.followSoon(topic === 'grants' && detail !== undefined ? detail : 'all');
    });
  }

  get configured(): boolean {
    return this.deps.config.sources.size > 0;
  }

  /** The sources logins can be vended in (names only). */
  sourceNames(): string[] {
    return [...this.deps.config.sources.keys()].sort();
  }

  /** Logins in force per source, for monitoring (names of sources only). */
  async activeCountsBySource(): Promise<{ source: string; count: number }[]> {
    const rows = await this.deps.prisma.vendedRole.groupBy({
      by: ['source'],
      where: { status: 'ACTIVE', expiresAt: { gt: new Date() } },
      _count: { _all: true },
    });
    return rows.map((row) => ({ source: row.source, count: row._count._all }));
  }

  /**
   * See vendLogin: a login whose rights are the agent's slice of `source`. A change heard while it
   * was being made may have been followed before its record existed: then it is rechecked too.
   */
  async vend(viewer: Viewer, source: string, ttlSeconds: number | null): Promise<VendedCredential> {
    const heard = this.changesHeard;
    const credential = await vendLogin(this.deps, viewer, source, ttlSeconds);
    // Before it is handed out: a login vended across a revocation must not answer wider than it is.
    if (this.changesHeard !== heard || !this.deps.changes.reliable) await this.followNow();
    return credential;
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
    await endLogin(this.deps, record, 'released by the agent');
    return true;
  }

  /**
   * Active logins whose reach includes an object the viewer was just told about (for
   * explainAccess): an agent's own delegation's, or for a person every login vended to their
   * agents. Only an object the viewer reads now: a login's record may lag a narrowing by moments.
   */
  async rolesCarrying(viewer: Viewer, { path, tier }: { path: string; tier: string }): Promise<string[]> {
    if (viewer.kind === 'anonymous' || tier !== 'READ') return [];
    const delegation =
      viewer.kind === 'agent'
        ? { intent: viewer.intent, chain: { equals: viewer.chain.map((hop) => hop.id) } }
        : {};
    const records = await this.deps.prisma.vendedRole.findMany({
      where: { status: 'ACTIVE', humanId: viewer.human.id, expiresAt: { gt: new Date() }, ...delegation },
      select: { roleName: true, access: true },
    });
    return records
      .filter((record) =>
        storedAccess(record).some(
          (dataset) => dataset.dataset === path || path.startsWith(`${dataset.dataset}.`),
        ),
      )
      .map((record) => record.roleName)
      .sort();
  }

  /**
   * Rechecks every active login now, and resolves when done (or after 15 s: a source that hangs
   * must not hang a revocation, which the change feed and the sweep then finish): a revocation
   * awaits it before it answers, so that no login resting on what was revoked reads anything once
   * it has. Failures are logged; the revocation itself holds.
   */
  followNow(): Promise<void> {
    if (this.closed || !this.configured) return Promise.resolve();
    clearTimeout(this.followTimer);
    this.pendingScope = 'all';
    const pass = this.enqueueFollow();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.deps.logger.warn('vended logins are still following a revocation after 15 s; it answers now');
        resolve();
      }, 15_000);
      timer.unref();
    });
    return Promise.race([pass, limit]).finally(() => clearTimeout(timer));
  }

  /** Rechecks the logins a change may touch soon (coalescing a burst of changes into one pass). */
  private followSoon(touched: string | 'all'): void {
    if (this.closed || !this.configured) return;
    if (touched === 'all') this.pendingScope = 'all';
    else if (this.pendingScope !== 'all') this.pendingScope.add(touched);
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.enqueueFollow(), 25);
    this.followTimer.unref();
  }

  /** One more pass (over what is pending) after the ones queued, never two at once in this process. */
  private enqueueFollow(): Promise<void> {
    const scope = this.pendingScope;
    this.pendingScope = new Set();
    this.following = this.following
      .then(() => this.followAll(scope))
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error }, 'vended logins could not follow a change; the sweep retries'),
      );
    return this.following;
  }

  /**
   * Rechecks the active logins of every source in `scope` (all, or those of some delegations)
   * against the current state, a source at a time.
   */
  async followAll(scope: FollowScope = 'all'): Promise<void> {
    if (scope !== 'all' && scope.size === 0) return;
    for (const source of this.sourceNames()) {
      // A source that is down must not keep the others from following.
      await this.followSource(source, scope).catch((error: unknown) =>
        this.deps.logger.warn({ source, err: error }, 'vended logins of a source could not follow a change'),
      );
    }
  }

  private async followSource(source: string, scope: FollowScope): Promise<void> {
    // Most changes find no live login of a source: then its database is not disturbed at all.
    if ((await this.deps.prisma.vendedRole.count({ where: { source, status: 'ACTIVE' } })) === 0) return;
    const database = this.deps.databases.get(source)!;
    await database.exclusively(async () => {
      const active = await this.deps.prisma.vendedRole.findMany({ where: { source, status: 'ACTIVE' } });
      const records = scope === 'all' ? active : active.filter((record) => scope.has(grantKey(record)));
      // A few at a time: ending many logins at once (an agent many people use was suspended)
      // must not take one round of statements per login in turn.
      for (let start = 0; start < records.length; start += followConcurrency) {
        await Promise.all(
          records.slice(start, start + followConcurrency).map((record) =>
            // One login that cannot be brought up to date must not keep the others from it.
            recheckLogin(this.deps, record).catch((error: unknown) =>
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

  /** Reconciles every source (see sweepSource); counts go to health, changes to the audit log. */
  async sweep(): Promise<SweepReport[]> {
    const reports: SweepReport[] = [];
    for (const source of this.sourceNames()) {
      const report = await sweepSource(this.deps, source);
      this.status.record(report);
      const changed = report.expiredEnded + report.orphansEnded + report.missing + report.shapesDropped > 0;
      if (changed || report.error) {
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
    await scheduleJobs(this.deps.prisma, [sweepJob(new Date(), this.deps.config.sweepSeconds)]);
  }

  /** Ends a login at its expiry (a durable timer per login; the sweep is the safety net). */
  private async expire(id: string): Promise<void> {
    const record = await this.deps.prisma.vendedRole.findUnique({ where: { id } });
    if (record?.status !== 'ACTIVE' || record.expiresAt.getTime() > Date.now()) return;
    const database = this.deps.databases.get(record.source);
    if (!database) return void (await endLogin(this.deps, record, 'source no longer registered'));
    await database.exclusively(() => endLogin(this.deps, record, 'expired'));
  }

  jobHandlers(): Map<string, JobHandler> {
    return new Map<string, JobHandler>([
      [vendingJobKind.expire, (job) => this.expire((job.payload as { id: string }).id)],
      [
        vendingJobKind.sweep,
        async (job) => {
          // The next run first: a run that fails (and is retried) does not end the schedule.
          const after = new Date(Math.max(Date.now(), job.runAt.getTime()));
          await scheduleJobs(this.deps.prisma, [sweepJob(after, this.deps.config.sweepSeconds)]);
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
    await this.deps.databases.close();
  }
}
