import type { PrismaClient } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import { appendAuditEvents } from './append-audit-event.ts';
import type { AuditEventInput } from './audit-event.ts';
import { currentChannel } from './channel.ts';

const maxBatch = 500;
const maxQueued = 100_000;

/**
 * Appends events that describe reads (nothing to commit them with) in batches: one chain-head lock
 * and one insert for everything queued within a few milliseconds, so auditing every query does not
 * serialize the queries. A failed batch is retried; `close` flushes what is left.
 */
export class AuditBatcher {
  private queue: AuditEventInput[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly delayMs = 10,
  ) {}

  enqueue(event: AuditEventInput): void {
    if (this.queue.length >= maxQueued) {
      this.logger.error({ type: event.type }, 'audit queue full: an event was dropped');
      return;
    }
    // Written later, outside the call: the call's channel is taken now.
    const channel = event.channel === undefined ? currentChannel() : event.channel;
    this.queue.push(channel === event.channel ? event : { ...event, channel });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes everything queued so far. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, maxBatch);
      try {
        await this.prisma.$transaction((tx) => appendAuditEvents(tx, batch));
        this.queue.splice(0, batch.length);
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.error(
          { err: error, events: batch.length, failures },
          'could not append audit events; retrying',
        );
        if (failures >= 5) return;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** failures));
      }
    }
  }
}
