import { oldestPendingJobAt } from '../jobs/job-queue.ts';
import { approvalNoticeJobKind } from '../requests/approval-notifier.ts';
import {
  type CheckOutcome,
  type ReadinessCheck,
  type ReadinessReport,
  readinessProbe,
} from '../server/readiness-checks.ts';
import type { Services } from './create-services.ts';

/** Each check's time budget: the whole answer comes within it even when the database hangs. */
export const readinessBudgetMs = 2_000;
/** A report is reused this long, so polls from several load balancers cost one round of checks. */
export const readinessReuseMs = 1_000;
/** A batch of jobs running longer than this (a hung handler) makes the job worker check fail. */
export const jobBatchBoundMs = 15 * 60_000;
/** Slack notices waiting longer than this make the (advisory) Slack check fail. */
export const slackBacklogBoundMs = 5 * 60_000;

/**
 * The checks of `/ready`, gathered from the modules of this replica. The database, the clock
 * (its offset to the database's), the change feed, the job worker and the audit sequencer decide
 * readiness; the audit witnesses and Slack's backlog are shown but advisory: every replica shares
 * them, so taking replicas out of the load balancer would only turn their outage into the
 * service's. A clock off the database's is this replica's own fault: it alone leaves.
 */
export function serviceReadiness(services: Services): () => Promise<ReadinessReport> {
  const { database, changes, jobs, auditLog, config, notifier, clock } = services;
  const checkpointMs = config.audit.checkpointMs;
  const checks: Record<string, ReadinessCheck> = {
    database: {
      run: () =>
        database.sql.query('SELECT 1').then(
          (): CheckOutcome => ({ ok: true }),
          (): CheckOutcome => ({ ok: false, detail: 'the database refused the query or the connection' }),
        ),
    },
    clock: {
      run() {
        const reason = clock.untrustedReason();
        return reason === undefined ? { ok: true } : { ok: false, detail: reason };
      },
    },
    changeFeed: {
      run: () =>
        changes.reliable
          ? { ok: true }
          : { ok: false, detail: 'not listening for changes; caches are bypassed until it reconnects' },
    },
    jobWorker: {
      run() {
        const activity = jobs.activity();
        if (activity.running && activity.busySince !== undefined) {
          return Date.now() - activity.busySince > jobBatchBoundMs
            ? { ok: false, detail: `the job worker has run one batch for more than ${jobBatchBoundMs} ms` }
            : { ok: true };
        }
        return recentlyActive('the job worker', activity, Math.max(5 * config.jobs.pollMs, 60_000));
      },
    },
    auditSequencer: {
      async run() {
        const { running, lastRoundAt } = auditLog.sequencer.activity();
        const boundMs = Math.max(10 * checkpointMs, 30_000);
        const rounds = recentlyActive('the audit sequencer', { running, lastActiveAt: lastRoundAt }, boundMs);
        if (!rounds.ok) return rounds;
        const oldest = await auditLog.status.oldestUnsequencedAt();
        const backlogBoundMs = Math.max(10 * checkpointMs, 60_000);
        if (oldest && Date.now() - oldest.getTime() > backlogBoundMs) {
          return { ok: false, detail: `audit events wait for sequencing longer than ${backlogBoundMs} ms` };
        }
        return { ok: true };
      },
    },
    auditWitnesses: {
      advisory: true,
      run() {
        const witnesses = auditLog.witnesses();
        const failing = witnesses.filter((witness) => !witness.ok).length;
        if (witnesses.length === 0) return { ok: true, detail: 'none configured' };
        // Names are paths and hosts: counts only (governance reads `health { auditWitnesses }`).
        return failing === 0
          ? { ok: true }
          : {
              ok: false,
              detail: `${failing} of ${witnesses.length} audit witnesses do not take checkpoints`,
            };
      },
    },
    ...(notifier.configured
      ? {
          slackBacklog: {
            advisory: true,
            async run(): Promise<CheckOutcome> {
              const oldest = await oldestPendingJobAt(database.prisma, approvalNoticeJobKind);
              return oldest && Date.now() - oldest.getTime() > slackBacklogBoundMs
                ? { ok: false, detail: `approval notices wait longer than ${slackBacklogBoundMs} ms` }
                : { ok: true };
            },
          },
        }
      : {}),
  };
  return readinessProbe(checks, { budgetMs: readinessBudgetMs, reuseMs: readinessReuseMs });
}

function recentlyActive(
  what: string,
  activity: { running: boolean; lastActiveAt: number | undefined },
  boundMs: number,
): CheckOutcome {
  if (!activity.running || activity.lastActiveAt === undefined)
    return { ok: false, detail: `${what} is not running` };
  return Date.now() - activity.lastActiveAt > boundMs
    ? { ok: false, detail: `${what} has not run for more than ${boundMs} ms` }
    : { ok: true };
}
