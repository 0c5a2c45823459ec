import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Logger } from '../logging/logger.ts';

/** The channel every replica listens on; payloads are topics such as `identity` or `people`. */
export const changeChannel = 'aperture_changes';

export type ChangeTopic = 'identity' | 'people' | 'keys' | 'policies' | 'catalog';

/**
 * Database-backed invalidation across replicas. Writers call `notifyChange` inside their
 * transaction (PostgreSQL delivers it at commit, to every listening process, this one included).
 * While the listener is not connected, `reliable` is false and caches must not be trusted.
 */
export interface ChangeFeed {
  readonly reliable: boolean;
  /** `topic` is undefined when everything must be considered changed (e.g. after a reconnect). */
  subscribe(listener: (topic: ChangeTopic | undefined) => void): () => void;
  close(): Promise<void>;
}

export async function notifyChange(tx: Prisma.TransactionClient, topic: ChangeTopic): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${changeChannel}, ${topic})`;
}

class Listeners {
  private readonly listeners = new Set<(topic: ChangeTopic | undefined) => void>();
  add(listener: (topic: ChangeTopic | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(topic: ChangeTopic | undefined): void {
    for (const listener of this.listeners) listener(topic);
  }
}

function asTopic(payload: string | undefined): ChangeTopic | undefined {
  const topics: readonly string[] = ['identity', 'people', 'keys', 'policies', 'catalog'];
  return payload !== undefined && topics.includes(payload) ? (payload as ChangeTopic) : undefined;
}

/** LISTEN on a dedicated PostgreSQL connection, reconnecting with backoff when it drops. */
export async function openPostgresChangeFeed(url: string, logger?: Logger): Promise<ChangeFeed> {
  const listeners = new Listeners();
  let client: pg.Client | undefined;
  let reliable = false;
  let closed = false;
  let retryMs = 250;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => listeners.emit(asTopic(message.payload)));
    next.on('error', (error) => {
      logger?.warn({ err: error }, 'change feed connection failed; caches are bypassed until it is back');
      lost(next);
    });
    next.on('end', () => lost(next));
    await next.connect();
    await next.query(`LISTEN ${changeChannel}`);
    client = next;
    reliable = true;
    retryMs = 250;
    // Anything may have changed while we were not listening.
    listeners.emit(undefined);
  };

  const lost = (which: pg.Client) => {
    if (client !== which && client !== undefined) return;
    client = undefined;
    reliable = false;
    listeners.emit(undefined);
    if (!closed) scheduleReconnect();
  };

  const scheduleReconnect = () => {
    const timer = setTimeout(() => {
      connect().catch((error: unknown) => {
        logger?.warn({ err: error }, 'change feed reconnect failed');
        retryMs = Math.min(retryMs * 2, 10_000);
        if (!closed) scheduleReconnect();
      });
    }, retryMs);
    timer.unref();
  };

  await connect();
  return {
    get reliable() {
      return reliable;
    },
    subscribe: (listener) => listeners.add(listener),
    async close() {
      closed = true;
      reliable = false;
      await client?.end().catch(() => {});
    },
  };
}

/** PGlite runs in this process: its LISTEN never drops. */
export async function openPgliteChangeFeed(pglite: PGlite): Promise<ChangeFeed> {
  const listeners = new Listeners();
  const unlisten = await pglite.listen(changeChannel, (payload) => listeners.emit(asTopic(payload)));
  return {
    reliable: true,
    subscribe: (listener) => listeners.add(listener),
    close: () => unlisten(),
  };
}
