import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { Prisma } from '../../generated/prisma/client.ts';
import type { Logger } from '../logging/logger.ts';

/**
 * The channel every replica listens on; payloads are a topic such as `identity`, or a topic and a
 * detail (`requests:<id>`) when listeners need to know which object changed.
 */
export const changeChannel = 'aperture_changes';

const changeTopics = [
  'identity',
  'people',
  'keys',
  'policies',
  'catalog',
  'rules',
  'grants',
  'requests',
  'jobs',
  /** A console session ended (sign-out): streams it opened check it again. */
  'console-sessions',
  /** A person's standing consents or governance's consent settings changed. */
  'consents',
] as const;

export type ChangeTopic = (typeof changeTopics)[number];

/** `topic` is undefined when everything must be considered changed (e.g. after a reconnect). */
export type ChangeListener = (topic: ChangeTopic | undefined, detail?: string) => void;

/**
 * Each notification carries the database's clock at the moment it was sent (`<epoch ms>#` before
 * the topic), so a receiver can tell how late caches are invalidated. In front, so that a replica
 * of an older version (a rolling upgrade) reads an unknown topic: "everything changed", safe.
 */
const sentAtPrefix = /^(\d{10,16})#/;

/** `payload` stamped with the database's clock, in SQL (the sender's own clock may be off). */
export const stampedPayloadSql = (payload: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text || '#' || ${payload}`;

/**
 * Database-backed invalidation across replicas. Writers call `notifyChange` inside their
 * transaction (PostgreSQL delivers it at commit, to every listening process, this one included).
 * While the listener is not connected, `reliable` is false and caches must not be trusted.
 */
export interface ChangeFeed {
  readonly reliable: boolean;
  subscribe(listener: ChangeListener): () => void;
  /** Told, for each stamped notification heard, when the database sent it (epoch ms, its clock). */
  onDelivery?(listener: (sentAtMs: number) => void): () => void;
  close(): Promise<void>;
}

export async function notifyChange(
  tx: Prisma.TransactionClient,
  topic: ChangeTopic,
  detail?: string,
): Promise<void> {
  const payload = detail === undefined ? topic : `${topic}:${detail}`;
  await tx.$executeRaw`SELECT pg_notify(${changeChannel}, ${stampedPayloadSql(Prisma.sql`${payload}`)})`;
}

class Listeners {
  private readonly listeners = new Set<ChangeListener>();
  private readonly deliveries = new Set<(sentAtMs: number) => void>();
  add(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  addDelivery(listener: (sentAtMs: number) => void): () => void {
    this.deliveries.add(listener);
    return () => this.deliveries.delete(listener);
  }
  emit(topic: ChangeTopic | undefined, detail?: string): void {
    for (const listener of this.listeners) listener(topic, detail);
  }

  /** An unknown payload counts as "everything changed". */
  emitPayload(stamped: string | undefined): void {
    const sentAt = stamped === undefined ? null : sentAtPrefix.exec(stamped);
    const payload = sentAt ? stamped!.slice(sentAt[0].length) : stamped;
    if (sentAt) for (const listener of this.deliveries) listener(Number(sentAt[1]));
    const separator = payload?.indexOf(':') ?? -1;
    const topic = separator < 0 ? payload : payload!.slice(0, separator);
    const known = changeTopics.find((candidate) => candidate === topic);
    this.emit(known, known && separator >= 0 ? payload!.slice(separator + 1) : undefined);
  }
}

/**
 * How often the listener proves it is alive, and how long it may take to answer: a connection
 * that died silently is noticed within their sum (4 s), the longest a replica may serve from a
 * cache that missed a change (README, Operations).
 */
const heartbeatMs = 2_000;
const heartbeatTimeoutMs = 2_000;

/**
 * LISTEN on a dedicated PostgreSQL connection. A heartbeat query proves the connection alive (a
 * socket silently dropped by a NAT or load balancer raises no error); any failure marks the feed
 * unreliable and schedules exactly one reconnect, with backoff. Every replaced or failed client is
 * closed, so an outage never multiplies connections.
 */
export async function openPostgresChangeFeed(url: string, logger?: Logger): Promise<ChangeFeed> {
  const listeners = new Listeners();
  let client: pg.Client | undefined;
  let reliable = false;
  let closed = false;
  let retryMs = 250;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  const dropClient = (reason: unknown) => {
    const lostClient = client;
    if (!lostClient) return;
    client = undefined;
    reliable = false;
    clearInterval(heartbeatTimer);
    lostClient.removeAllListeners('notification');
    lostClient.end().catch(() => {});
    logger?.warn({ err: reason }, 'change feed lost; caches are bypassed until it is back');
    listeners.emit(undefined);
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().catch((error: unknown) => {
        logger?.warn({ err: error }, 'change feed reconnect failed');
        retryMs = Math.min(retryMs * 2, 10_000);
        scheduleReconnect();
      });
    }, retryMs);
    reconnectTimer.unref();
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: url,
      keepAlive: true,
      application_name: 'aperture-change-feed',
    });
    // Errors before this client is the live one only fail the attempt.
    next.on('error', (error) => (client === next ? dropClient(error) : undefined));
    next.on('end', () => (client === next ? dropClient(new Error('connection ended')) : undefined));
    try {
      await next.connect();
      await next.query(`LISTEN ${changeChannel}`);
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    next.on('notification', (message) => listeners.emitPayload(message.payload));
    client = next;
    reliable = true;
    retryMs = 250;
    heartbeatTimer = setInterval(() => {
      const current = client;
      if (!current) return;
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('change feed heartbeat timed out')), heartbeatTimeoutMs).unref(),
      );
      Promise.race([current.query('SELECT 1'), timeout]).catch((error: unknown) => {
        if (client === current) dropClient(error);
      });
    }, heartbeatMs);
    heartbeatTimer.unref();
    // Anything may have changed while we were not listening.
    listeners.emit(undefined);
  };

  await connect();
  return {
    get reliable() {
      return reliable;
    },
    subscribe: (listener) => listeners.add(listener),
    onDelivery: (listener) => listeners.addDelivery(listener),
    async close() {
      closed = true;
      reliable = false;
      clearTimeout(reconnectTimer);
      clearInterval(heartbeatTimer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}

/** PGlite runs in this process: its LISTEN never drops. */
export async function openPgliteChangeFeed(pglite: PGlite): Promise<ChangeFeed> {
  const listeners = new Listeners();
  const unlisten = await pglite.listen(changeChannel, (payload) => listeners.emitPayload(payload));
  return {
    reliable: true,
    subscribe: (listener) => listeners.add(listener),
    onDelivery: (listener) => listeners.addDelivery(listener),
    close: () => unlisten(),
  };
}
