import type { Logger } from '../../logging/logger.ts';
import type { SqlExecutor } from '../sql-executor.ts';
import {
  type ClockState,
  describeOffset,
  nextClockState,
  offsetOf,
  untrustedReason,
} from './clock-offset.ts';

export interface ClockOffsetMonitorOptions {
  /** Beyond this offset (either way) the clock is not trusted. */
  maxOffsetMs: number;
  logger: Logger;
  /** How often the offset is measured. */
  intervalMs?: number;
  /** This process's clock (tests skew it). */
  now?: () => number;
}

const defaultIntervalMs = 10_000;
/** How long one measurement may take before the monitor stops waiting for it. */
const measurementTimeoutMs = 5_000;

/** Whether `promise` settled within `ms`. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    timeout,
  ]);
  clearTimeout(timer);
  return settled;
}
/** `start` waits this long for the first measurement; a hung database does not hold up a start. */
const firstMeasurementWaitMs = 2_000;

/**
 * Measures this replica's clock against the database's, at start and every `intervalMs`, and is
 * the one source of truth for "the clock is trustworthy now": readiness, the job worker and the
 * metrics read it. Grant expiries, token lifetimes and job timers are computed from this process's
 * clock while the job queue runs on the database's `now()`; a replica whose clock is off beyond
 * the tolerance reports not ready and leaves the jobs to the other replicas until it is back.
 */
export class ClockOffsetMonitor {
  private state: ClockState = { measured: false };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private measuring: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: ClockOffsetMonitorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? defaultIntervalMs;
  }

  /** Measures once (waiting for it up to 2 s), then every interval. */
  async start(): Promise<void> {
    if (this.stopped || this.started) return;
    this.started = true;
    const first = this.measureAndSchedule();
    let waited: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      first,
      new Promise<void>((resolve) => {
        waited = setTimeout(resolve, firstMeasurementWaitMs);
        waited.unref();
      }),
    ]);
    clearTimeout(waited);
  }

  /**
   * Why the clock is not trusted now, or undefined when it is. Once started, a clock not measured
   * yet is not trusted; a monitor never started (a CLI command, a test without background work)
   * holds nothing up.
   */
  untrustedReason(): string | undefined {
    if (!this.started) return undefined;
    return untrustedReason(this.state, this.options.maxOffsetMs);
  }

  /** The last usable measurement in seconds (positive: ahead of the database), or undefined. */
  offsetSeconds(): number | undefined {
    return this.state.measured ? this.state.offsetMs / 1000 : undefined;
  }

  /** Measures now (one at a time: a call while one runs waits for that one). */
  measure(): Promise<void> {
    this.measuring ??= this.measureOnce().finally(() => {
      this.measuring = undefined;
    });
    return this.measuring;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const measuring = this.measuring;
    if (measuring !== undefined) await withinMs(measuring, measurementTimeoutMs);
  }

  /**
   * A measurement the database does not answer (a hung connection) is given up after a while:
   * the next one starts on time, and the late answer, if any, is dropped for its round trip.
   */
  private async measureAndSchedule(): Promise<void> {
    const measuring = this.measure();
    if (!(await withinMs(measuring, measurementTimeoutMs))) {
      if (this.measuring === measuring) this.measuring = undefined;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.measureAndSchedule(), this.intervalMs);
    this.timer.unref();
  }

  private async measureOnce(): Promise<void> {
    const { logger, maxOffsetMs } = this.options;
    let sample: { sentAt: number; databaseAt: number; receivedAt: number };
    try {
      // On a connection of its own, so waiting for one (or opening it) is not in the round trip.
      sample = await this.sql.withConnection(async (connection) => {
        const sentAt = this.now();
        const [row] = await connection.query<{ ms: number }>(
          'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
        );
        const receivedAt = this.now();
        return { sentAt, databaseAt: Number(row?.ms), receivedAt };
      });
    } catch (error) {
      // The database check of /ready says so; the last verdict stands meanwhile.
      logger.debug({ err: error }, 'the clock offset to the database could not be measured');
      return;
    }
    if (this.stopped || !Number.isFinite(sample.databaseAt)) return;
    const offset = offsetOf(sample);
    const next = nextClockState(this.state, offset, sample.receivedAt, maxOffsetMs);
    this.state = next.state;
    const context = {
      offsetMs: Math.round(offset.offsetMs),
      roundTripMs: Math.round(offset.roundTripMs),
      maxOffsetMs,
    };
    if (next.dropped) {
      logger.debug(context, 'a clock offset measurement took too long to judge by; kept the last verdict');
    } else if (next.change === 'off') {
      logger.warn(
        context,
        `${describeOffset(offset.offsetMs)}, more than the ${maxOffsetMs} ms allowed: this replica reports not ready and its job worker pauses until the clock is back`,
      );
    } else if (next.change === 'back') {
      logger.info(context, `the clock is back within ${maxOffsetMs} ms of the database`);
    }
  }
}
