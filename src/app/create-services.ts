import { type Channel, inChannel } from '../audit/channel.ts';
import { AuditBatcher } from '../audit/index.ts';
import { AuditLog } from '../audit/log/audit-log.ts';
import type { Config } from '../config/config.ts';
import type { ChangeFeed } from '../db/change-feed.ts';
import { ClockOffsetMonitor } from '../db/clock/clock-offset-monitor.ts';
import type { Database } from '../db/open-database.ts';
import { createIdentityModule, type IdentityModule } from '../identity/identity-module.ts';
import { type JobHandler, JobWorker } from '../jobs/job-worker.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { MiningModule } from '../mining/workflow/mining-service.ts';
import { AccessService } from '../policy/slice/access-service.ts';
import { PolicyGovernance } from '../policy/store/policy-governance.ts';
import { type ApprovalNotifier, LogOnlyNotifier } from '../requests/approval-notifier.ts';
import { cancelRequestsOfTokens } from '../requests/cancel-pending-requests.ts';
import { endConsentsOfAgent } from '../requests/consent/standing-consents.ts';
import { ActiveGrants } from '../requests/grants/active-grants.ts';
import { revokeGrantsOfAgent } from '../requests/grants/end-grant.ts';
import { RequestsModule } from '../requests/requests-module.ts';
import { DrainState } from '../server/drain-state.ts';
import type { SlackApp } from '../slack/slack-app.ts';
import { VendingModule } from '../vending/vending-module.ts';
import { prepareDatabase } from './prepare-database.ts';
import { serviceMetrics } from './service-metrics.ts';

/** Every module of the service, built once; the doors (HTTP, GraphQL, OAuth, Slack, CLI) take these. */
export interface Services {
  config: Config;
  logger: Logger;
  database: Database;
  changes: ChangeFeed;
  /** This replica's clock against the database's: whether it is trusted now (readiness, jobs, metrics). */
  clock: ClockOffsetMonitor;
  identity: IdentityModule;
  grants: ActiveGrants;
  /** Decides what each viewer may see of the catalog. */
  access: AccessService;
  /** Access requests, decisions, grants and the rules. */
  requests: RequestsModule;
  /** Rule suggestions mined from decisions, and their review. */
  mining: MiningModule;
  /** The policy set, for governance. */
  policies: PolicyGovernance;
  /** Role vending: short-lived database logins that enforce the slice where the SQL runs. */
  vending: VendingModule;
  /** The Merkle audit log. */
  auditLog: AuditLog;
  /** Where the audit events of queries go. */
  auditBatcher: AuditBatcher;
  jobs: JobWorker;
  /** The Bolt app, when Slack is configured. */
  slack: SlackApp | null;
  /** Where approvers hear of requests: Slack when configured, else the log. */
  notifier: ApprovalNotifier;
  /** The one metrics registry (served at /metrics when configured). */
  metrics: Metrics;
  /** Whether this replica is shutting down (readiness and connections follow it). */
  drain: DrainState;
  /**
   * Starts the work that runs on its own: Slack, the first mining run, the job worker, the audit
   * log. (The clock monitor runs from the start: measured before anything is served or claimed.)
   */
  startBackgroundWork(): Promise<void>;
  /** Stops the background work and closes every module, then the change feed and the database. */
  close(): Promise<void>;
}

/** How long a claimed job is leased (renewed while it runs): the delay before a dead replica's jobs are taken over. */
const jobLeaseMs = 10_000;

/** What tests and benches swap. A database or change feed given here stays the caller's to close. */
export interface ServiceOverrides {
  database?: Database;
  changes?: ChangeFeed;
  /** Replaces parts of the identity module once built (e.g. an authenticator that skips verification). */
  identity?: (built: IdentityModule) => IdentityModule;
  /** Builds the access service (e.g. one with authorization off, to measure what it costs). */
  access?: (deps: {
    database: Database;
    identity: IdentityModule;
    grants: ActiveGrants;
    changes: ChangeFeed;
  }) => AccessService;
  /** Where approval notices go instead of Slack or the log. */
  notifier?: ApprovalNotifier;
  /** The process clock the clock monitor compares with the database's (a test skews it). */
  clockNow?: () => number;
}

/**
 * The one place that wires the service. Closers are stacked as modules are built and run in
 * reverse, so a failed start closes what it opened, and a stop closes Slack's receiver first, then
 * the job worker, the audit batcher and log (its final round signs the last events), the modules,
 * the change feed and the database.
 */
export async function createServices(
  config: Config,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<Services> {
  const closers: (() => void | Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const database = overrides.database ?? (await prepareDatabase(config, logger));
    if (!overrides.database) closers.push(() => database.close());
    const changes = overrides.changes ?? (await database.openChangeFeed(logger));
    if (!overrides.changes) closers.push(() => changes.close());
    // Revocations end the vended logins resting on them before they answer; vending is built
    // after identity and requests, which take this late-bound hook.
    let vendingModule: VendingModule | undefined;
    const afterRevocation = async () => vendingModule?.followNow();
    const clock = new ClockOffsetMonitor(database.sql, {
      maxOffsetMs: config.clock.maxOffsetMs,
      logger: logger.child({ component: 'clock' }),
      ...(overrides.clockNow ? { now: overrides.clockNow } : {}),
    });
    closers.push(() => clock.stop());
    // Measured before anything is served (the HTTP server refuses API calls until it is).
    await clock.start();
    const metrics = serviceMetrics(
      database.prisma,
      changes,
      () => vendingModule,
      () => clock.offsetSeconds(),
    );
    const builtIdentity = await createIdentityModule({
      prisma: database.prisma,
      config: config.identity,
      changes,
      logger,
      // Zero standing privileges: what a stopped agent holds ends with it, through a callback
      // wired here so identity need not import requests.
      onAgentStopped: async (tx, agentId, by) => {
        await revokeGrantsOfAgent(tx, agentId, by);
        await endConsentsOfAgent(tx, agentId);
      },
      onTokensRevoked: cancelRequestsOfTokens,
      afterRevocation,
    });
    closers.push(() => builtIdentity.close());
    const identity = overrides.identity?.(builtIdentity) ?? builtIdentity;
    const grants = new ActiveGrants(database.prisma, changes);
    closers.push(() => grants.close());
    const access =
      overrides.access?.({ database, identity, grants, changes }) ??
      new AccessService(database.prisma, identity.state, grants, changes, config.identity);
    closers.push(() => access.close());
    const requests = new RequestsModule({
      prisma: database.prisma,
      access,
      grants,
      changes,
      config: config.requests,
      governanceGroup: config.identity.governanceGroup,
      logger,
      afterRevocation,
      onDecision: (decision) => metrics.decisions.inc(decision),
      onConsentAnswer: (answer) => metrics.consentAnswers.inc({ answer }),
      afterDelegationRevoked: async () => {
        identity.state.invalidate();
        await afterRevocation();
      },
    });
    closers.push(() => requests.close());
    const slack = await createSlackWhenConfigured(config, logger, { database, identity, requests });
    const auditLog = await AuditLog.open({
      prisma: database.prisma,
      config: config.audit,
      logger,
      ...(slack ? { postToSlack: slack.postText } : {}),
    });
    closers.push(() => auditLog.stop());
    const auditBatcher = new AuditBatcher(database.prisma, logger);
    closers.push(() => auditBatcher.close());
    const notifier =
      overrides.notifier ?? slack?.notifier ?? new LogOnlyNotifier(logger.child({ component: 'approvals' }));
    const mining = new MiningModule({
      prisma: database.prisma,
      governanceGroup: config.identity.governanceGroup,
      logger: logger.child({ component: 'mining' }),
      // A rule accepted from a suggestion decides pending requests at once.
      onRulesChanged: () => requests.rulesChanged(),
      intervalMs: config.mining.intervalSeconds * 1000,
      ...(slack?.digest ? { digest: slack.digest } : {}),
    });
    const vending = new VendingModule({
      prisma: database.prisma,
      access,
      identity: identity.state,
      grants,
      changes,
      logger: logger.child({ component: 'vending' }),
      config: config.vending,
      maxDelegationDepth: config.identity.maxDelegationDepth,
    });
    vendingModule = vending;
    closers.push(() => vending.close());
    const jobs = new JobWorker(
      database.prisma,
      inJobChannel(
        new Map([...requests.jobHandlers(notifier), ...mining.jobHandlers(), ...vending.jobHandlers()]),
      ),
      logger.child({ component: 'jobs' }),
      changes,
      {
        pollMs: config.jobs.pollMs,
        // Renewed while a job runs: a dead replica's jobs are taken over within 10 s.
        leaseMs: jobLeaseMs,
        batchSize: 10,
        // Timers fired early or late by a skewed clock: the other replicas run the jobs meanwhile.
        pausedBecause: () => clock.untrustedReason(),
      },
    );
    closers.push(() => jobs.stop());
    if (slack) closers.push(() => slack.stop());
    let stopping: Promise<void> | undefined;
    return {
      config,
      logger,
      database,
      changes,
      clock,
      identity,
      grants,
      access,
      requests,
      mining,
      policies: new PolicyGovernance(database.prisma, config.identity.governanceGroup, () =>
        access.catalogIndex(),
      ),
      vending,
      auditLog,
      auditBatcher,
      jobs,
      slack,
      notifier,
      metrics,
      drain: new DrainState(),
      async startBackgroundWork() {
        if (!notifier.configured) {
          logger.warn(
            'no approval channel (Slack) is configured: routed access requests wait in the API until they expire; rules still decide',
          );
        }
        await slack?.start();
        await mining
          .scheduleFirstRun()
          .catch((error: unknown) =>
            logger.error({ err: error }, 'the first mining run could not be scheduled'),
          );
        await vending
          .scheduleSweep()
          .catch((error: unknown) =>
            logger.error({ err: error }, 'the vending sweep could not be scheduled'),
          );
        jobs.start();
        auditLog.start();
      },
      close() {
        stopping ??= closeAll();
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Slack's SDK takes a good part of a start to load: only when Slack is configured. */
async function createSlackWhenConfigured(
  config: Config,
  logger: Logger,
  modules: { database: Database; identity: IdentityModule; requests: RequestsModule },
): Promise<SlackApp | null> {
  if (!config.slack) return null;
  const { createSlackApp } = await import('../slack/slack-app.ts');
  return createSlackApp({
    config: config.slack,
    prisma: modules.database.prisma,
    identity: modules.identity.state,
    requests: modules.requests,
    governanceGroup: config.identity.governanceGroup,
    logger: logger.child({ component: 'slack' }),
  });
}

/**
 * Every job runs as a call through the `job` channel: what it audits says so, and a job woken by
 * a request's notification never runs in that request's channel.
 */
function inJobChannel(handlers: ReadonlyMap<string, JobHandler>): Map<string, JobHandler> {
  const channel: Channel = { name: 'job', client: null };
  return new Map(
    [...handlers].map(([kind, handle]) => [kind, (job) => inChannel(channel, () => handle(job))]),
  );
}
