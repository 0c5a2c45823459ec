import type { Job } from '../../generated/prisma/client.ts';
import type { ChangeFeed } from '../db/change-feed.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';

/**
 * Thrown by a handler that must wait (Slack's Retry-After, a timer that fired early): the job runs
 * again then, and the attempt does not count.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobWorkerOptions {
  /** How often the queue is polled when no notification arrives. */
  pollMs: number;
  /**
   * How long a claimed job is leased to this worker before another may take it over. The lease is
   * renewed every third of it while the job runs, so a long job (a mining run) keeps it and a
   * job whose worker died (kill -9, a lost host) is taken over within one lease.
   */
  leaseMs: number;
  /** Jobs claimed and run at once. */
  batchSize: number;
  /**
   * Why this worker must claim nothing now (e.g. its replica's clock is off the database's; the
   * other replicas run the jobs), or undefined when it may claim.
   */
  pausedBecause?: () => string | undefined;
}

/**
 * Runs due jobs. A claim is one conditional UPDATE over rows selected `FOR UPDATE SKIP LOCKED`, so
 * replicas never run the same job at once; a worker that dies leaves a lease that expires. Done
 * jobs are deleted; failed ones are retried with exponential backoff until `maxAttempts`.
 */
export class JobWorker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private startedAt: number | undefined;
  private lastActiveAt: number | undefined;
  private busySince: number | undefined;
  private paused = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly handlers: ReadonlyMap<string, JobHandler>,
    private readonly logger: Logger,
    changes: ChangeFeed,
    private readonly options: JobWorkerOptions,
  ) {
    this.unsubscribe = changes.subscribe((topic) => {
      if (topic === 'jobs' || topic === undefined) this.wake();
    });
  }

  start(): void {
    this.startedAt ??= Date.now();
    this.wake();
  }

  /**
   * For readiness: whether the worker runs, when it last read the queue or finished a job (from
   * its start until the first poll answers), and since when it runs the batch under way, if any
   * (a long job, e.g. a mining run, polls nothing meanwhile). A worker whose polls fail stops being
   * active.
   */
  activity(): { running: boolean; lastActiveAt: number | undefined; busySince: number | undefined } {
    return {
      running: this.startedAt !== undefined && !this.stopped,
      lastActiveAt: this.lastActiveAt ?? this.startedAt,
      busySince: this.busySince,
    };
  }

  /** Runs what is due now (also the test and CLI entry point); resolves when the queue is drained. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.mustPause()) {
        // Idle on purpose, not stuck: readiness says why (the clock check).
        this.lastActiveAt = Date.now();
        return total;
      }
      const claimed = await this.claim();
      this.lastActiveAt = Date.now();
      if (claimed.length === 0) return total;
      total += claimed.length;
      this.busySince = Date.now();
      try {
        await Promise.all(
          claimed.map((job) => this.run(job).finally(() => (this.lastActiveAt = Date.now()))),
        );
      } finally {
        this.busySince = undefined;
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.runDue()
      .catch((error: unknown) => this.logger.error({ err: error }, 'the job queue could not be read'))
      .then(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
          return;
        }
        this.timer = setTimeout(() => this.wake(), this.options.pollMs);
        this.timer.unref();
      });
  }

  /** Reads the pause hook; says so once when claiming pauses and once when it resumes. */
  private mustPause(): boolean {
    const reason = this.options.pausedBecause?.();
    const paused = reason !== undefined;
    if (paused && !this.paused) this.logger.warn({ reason }, `the job worker pauses: ${reason}`);
    if (!paused && this.paused) this.logger.info('the job worker resumes claiming jobs');
    this.paused = paused;
    return paused;
  }

  private claim(): Promise<Job[]> {
    const leaseMs = this.options.leaseMs;
    return this.prisma.$queryRaw<Job[]>`
      UPDATE "Job" SET "lockedUntil" = now() + make_interval(secs => ${leaseMs / 1000}), "attempts" = "attempts" + 1
      WHERE "id" IN (
        SELECT "id" FROM "Job"
        WHERE "runAt" <= now() AND "failedAt" IS NULL AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
        ORDER BY "runAt"
        LIMIT ${this.options.batchSize}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING *`;
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const log = this.logger.child({ jobId: job.id, jobKind: job.kind, attempt: job.attempts });
    let settled = false;
    const renewal = setInterval(() => {
      this.renewLease(job).then(
        (renewed) => {
          if (!renewed && !settled) log.warn('a running job lost its lease (another replica may run it too)');
        },
        (error: unknown) => log.warn({ err: error }, 'a running job’s lease could not be renewed'),
      );
    }, this.options.leaseMs / 3);
    renewal.unref();
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      // The lease is renewed only while the handler runs, never past its delete or release.
      await handler(job).finally(() => {
        settled = true;
        clearInterval(renewal);
      });
      // Only this claim may delete it: a job whose lease ran out may have been claimed again.
      await this.prisma.job.deleteMany({ where: { id: job.id, attempts: job.attempts } });
    } catch (error) {
      if (error instanceof RetryLaterError) {
        log.info({ retryAfterMs: error.retryAfterMs, reason: error.message }, 'job asked to retry later');
        await this.release(job, error.retryAfterMs, error.message, true).catch((releaseError: unknown) =>
          log.error({ err: releaseError }, 'a job could not be rescheduled'),
        );
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const backoffMs = Math.min(2 ** job.attempts * 1_000, 15 * 60_000);
      log.warn({ err: error }, 'job failed');
      await this.release(job, backoffMs, message, false, error).catch((releaseError: unknown) =>
        log.error({ err: releaseError }, 'a failed job could not be rescheduled'),
      );
    } finally {
      clearInterval(renewal);
    }
  }

  /** Only this claim's lease (a job taken over after its lease ran out belongs to the new claim). */
  /** Whether the lease was still this claim's (a released job is not locked again). */
  private async renewLease(job: Job): Promise<boolean> {
    const leaseSeconds = this.options.leaseMs / 1000;
    const renewed = await this.prisma.$executeRaw`
      UPDATE "Job" SET "lockedUntil" = now() + make_interval(secs => ${leaseSeconds})
      WHERE "id" = ${job.id}::uuid AND "attempts" = ${job.attempts} AND "lockedUntil" IS NOT NULL`;
    return renewed > 0;
  }

  private async release(
    job: Job,
    delayMs: number,
    error: string | null,
    keepAttempt: boolean,
    cause?: unknown,
  ): Promise<void> {
    const exhausted = !keepAttempt && job.attempts >= job.maxAttempts;
    // The last error whole (type, code, stack), through the logger's scrubbing `err` serializer.
    if (exhausted)
      this.logger.error({ jobId: job.id, jobKind: job.kind, err: cause ?? error }, 'job gave up');
    await this.prisma.job.updateMany({
      where: { id: job.id, attempts: job.attempts },
      data: {
        runAt: new Date(Date.now() + delayMs),
        lockedUntil: null,
        lastError: error,
        failedAt: exhausted ? new Date() : null,
        attempts: keepAttempt ? job.attempts - 1 : job.attempts,
      },
    });
    if (!exhausted) this.wakeAt(delayMs);
  }

  /** A retry due sooner than the next poll is picked up on time. */
  private wakeAt(delayMs: number): void {
    if (delayMs >= this.options.pollMs || this.stopped) return;
    setTimeout(() => this.wake(), delayMs).unref();
  }
}
