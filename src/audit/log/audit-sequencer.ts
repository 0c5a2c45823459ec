import type { PrismaClient } from '../../db/open-database.ts';
import type { Logger } from '../../logging/logger.ts';
import { sequenceBatch } from './sequence-batch.ts';
import type { NoteSigner } from './signed-note.ts';
import type { Witness } from './witnesses.ts';

export interface AuditSequencerOptions {
  prisma: PrismaClient;
  signer: NoteSigner;
  /** The log's name in its checkpoints, e.g. `aperture.example.com/audit`. */
  origin: string;
  witnesses: readonly Witness[];
  logger: Logger;
  /** Every event is in a signed checkpoint within this long of its commit. */
  checkpointMs: number;
  batchSize?: number;
  /** The clock that dates checkpoints (tests give a skewed one); default Date.now. */
  now?: () => number;
}

export interface WitnessHealth {
  name: string;
  /** The largest tree size it acknowledged (0: none yet). */
  size: number;
  ok: boolean;
  failures: number;
  lastError: string | null;
}

const maxWitnessBackoffMs = 60_000;

/**
 * Runs on every replica. Each round, whoever takes the sequencer lock sequences what committed
 * since the last round and signs a checkpoint; the others find the lock taken and wait for the next
 * round, so a replica that dies is replaced within one round. Then the newest checkpoint goes to
 * every witness that has not acknowledged it, with backoff for a witness that is down; the service
 * keeps running and reports it in its health.
 */
export class AuditSequencer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private failures = 0;
  private startedAt: number | undefined;
  private lastRoundAt: number | undefined;
  private readonly witnessState = new Map<string, WitnessHealth & { nextAttemptAt: number }>();

  constructor(private readonly options: AuditSequencerOptions) {
    for (const witness of options.witnesses) {
      this.witnessState.set(witness.name, {
        name: witness.name,
        size: 0,
        ok: true,
        failures: 0,
        lastError: null,
        nextAttemptAt: 0,
      });
    }
  }

  start(): void {
    this.stopped = false;
    this.startedAt ??= Date.now();
    this.schedule(0);
  }

  /** Stops the rounds, then runs a last one so that what was written before the stop is signed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.runOnce({ waitForLock: true }).catch((error: unknown) =>
      this.options.logger.warn(
        { err: error },
        'the last audit sequencing round failed; the next start sequences',
      ),
    );
  }

  /** One round now: sequence until nothing waits, then publish. Tests and the CLI call it directly. */
  async runOnce(options: { waitForLock?: boolean } = {}): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.options.prisma.$transaction((tx) =>
        sequenceBatch(tx, {
          signer: this.options.signer,
          origin: this.options.origin,
          batchSize: this.options.batchSize ?? 5_000,
          now: this.options.now?.(),
          ...options,
        }),
      );
      if (!batch) break;
      total += batch.sequenced;
      if (batch.sequenced < (this.options.batchSize ?? 5_000)) break;
    }
    await this.publish();
    return total;
  }

  /**
   * For readiness: whether rounds run, and when one last completed (from the start until the
   * first does). A round that found the lock taken by another replica counts: it ran.
   */
  activity(): { running: boolean; lastRoundAt: number | undefined; failures: number } {
    return {
      running: !this.stopped,
      lastRoundAt: this.lastRoundAt ?? this.startedAt,
      failures: this.failures,
    };
  }

  health(): WitnessHealth[] {
    return [...this.witnessState.values()].map(({ nextAttemptAt: _next, ...health }) => health);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async round(): Promise<void> {
    const interval = Math.max(50, Math.floor(this.options.checkpointMs / 4));
    try {
      await this.runOnce();
      this.failures = 0;
      this.lastRoundAt = Date.now();
      this.schedule(interval);
    } catch (error) {
      this.failures += 1;
      // A database restart or a lost connection: say so once per failure, try again soon.
      this.options.logger.warn({ err: error, failures: this.failures }, 'audit sequencing failed; retrying');
      this.schedule(Math.min(maxWitnessBackoffMs, interval * 2 ** Math.min(this.failures, 8)));
    }
  }

  /** Sends the newest checkpoint to every witness that is behind it and due for an attempt. */
  private async publish(): Promise<void> {
    if (this.options.witnesses.length === 0) return;
    const latest = await this.options.prisma.$queryRaw<{ size: bigint; note: string }[]>`
      SELECT size, note FROM "AuditCheckpoint" ORDER BY size DESC LIMIT 1`;
    const newest = latest[0];
    if (!newest) return;
    const size = Number(newest.size);
    const now = Date.now();
    await Promise.all(
      this.options.witnesses.map(async (witness) => {
        const state = this.witnessState.get(witness.name)!;
        if (state.size >= size || state.nextAttemptAt > now) return;
        try {
          await witness.publish(newest.note);
          Object.assign(state, {
            size,
            ok: true,
            failures: 0,
            lastError: null,
            nextAttemptAt: now + (witness.minIntervalMs ?? 0),
          });
        } catch (error) {
          const failures = state.failures + 1;
          const message = error instanceof Error ? error.message : String(error);
          Object.assign(state, {
            ok: false,
            failures,
            lastError: message,
            // Counted from the failure, not from the attempt's start: a slow refusal (a loaded
            // witness or service) never shortens the wait before the next attempt.
            nextAttemptAt: Date.now() + Math.min(maxWitnessBackoffMs, 500 * 2 ** failures),
          });
          this.options.logger.warn(
            { witness: witness.name, failures, reason: message },
            'an audit witness did not take the checkpoint; retrying with backoff',
          );
        }
      }),
    );
  }
}
