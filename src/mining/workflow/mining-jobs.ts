import type { JobToSchedule } from '../../jobs/job-queue.ts';

/** The durable jobs of mining, by kind. */
export const miningJobKind = {
  /** A scheduled mining run; each schedules the next. */
  run: 'mining.run',
  /** Tells governance about a run's new suggestions (the `SuggestionDigest` port). */
  digest: 'mining.digest',
} as const;

/** Default time between scheduled runs: a day. */
export const defaultMiningIntervalMs = 24 * 3_600_000;

/**
 * The next scheduled run after `now`: at the start of the next interval-long slot (for a day,
 * the next midnight UTC). Keyed by that slot, so replicas scheduling it at once create one job.
 */
export function nextRunJob(now: Date, intervalMs: number): JobToSchedule {
  const runAt = new Date((Math.floor(now.getTime() / intervalMs) + 1) * intervalMs);
  return {
    kind: miningJobKind.run,
    key: `${miningJobKind.run}:${runAt.toISOString()}`,
    payload: {},
    runAt,
    maxAttempts: 3,
  };
}

/**
 * The run after a scheduled one: the next slot after both now and the job's own time (this
 * replica's clock may be a little behind the database's, which decided the job was due), and never
 * the job's own key, which stays taken until the job is done.
 */
export function nextRunAfter(job: { runAt: Date; key: string | null }, intervalMs: number): JobToSchedule {
  const next = nextRunJob(new Date(Math.max(Date.now(), job.runAt.getTime())), intervalMs);
  return next.key === job.key ? nextRunJob(next.runAt, intervalMs) : next;
}

/** The digest of a run's new suggestions, once per run. */
export function digestJob(runId: string, suggestionIds: readonly string[]): JobToSchedule {
  return {
    kind: miningJobKind.digest,
    key: `${miningJobKind.digest}:${runId}`,
    payload: { runId, suggestionIds: [...suggestionIds] },
    runAt: new Date(),
  };
}
