import { ApertureError } from '../shared/errors.ts';

/** How long a caller is asked to wait before retrying (`Retry-After`, in seconds). */
export const databaseRetryAfterSeconds = 1;

/**
 * The database cannot be reached or is restarting: nothing was decided, and the same call may
 * succeed in a moment. Every door answers it alike (HTTP 503, `Retry-After`, code UNAVAILABLE).
 */
export class DatabaseUnavailableError extends ApertureError {
  readonly retryable = true;
  readonly retryAfterSeconds = databaseRetryAfterSeconds;

  constructor(options?: ErrorOptions) {
    super('UNAVAILABLE', 'The database is unavailable; retry shortly', undefined, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * `error` as a DatabaseUnavailableError when it (or anything it wraps) says the database is
 * unreachable or restarting; undefined for any other failure, which stays unexpected.
 */
export function databaseUnavailable(error: unknown): DatabaseUnavailableError | undefined {
  if (error instanceof DatabaseUnavailableError) return error;
  return wrapped(error).some(saysUnavailable) ? new DatabaseUnavailableError({ cause: error }) : undefined;
}

/** A short, secret-free description of why, for the one log line a door writes. */
export function unavailableReason(error: DatabaseUnavailableError): string {
  const found = wrapped(error.cause).find(saysUnavailable);
  if (!isRecord(found)) return 'unknown';
  const code = found.code ?? found.kind;
  return typeof code === 'string' ? code : (textOf(found.message) ?? 'unknown');
}

/**
 * SQLSTATEs of a server that is going away or not yet back: class 08 (connection exception),
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
 */
const unavailableStates = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** Socket errors of a connection that cannot be made or was cut (pg and Node). */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Prisma's: P1001 can't reach the server, P1002 it timed out, P1017 it closed the connection,
 * P2024 no pooled connection in time.
 */
const prismaCodes = new Set(['P1001', 'P1002', 'P1017', 'P2024']);

/** What @prisma/adapter-pg makes of a lost connection (DriverAdapterError's `cause.kind`). */
const adapterKinds = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/** pg's own errors carry no code, only these messages (the pool's acquisition timeout among them). */
const pgMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/** Prisma gives up waiting for a connection to start a transaction on (P2028 also means other things). */
const transactionStartTimeout = 'Unable to start a transaction in the given time';

function saysUnavailable(error: unknown): boolean {
  if (!isRecord(error)) return false;
  const code = textOf(error.code);
  const message = textOf(error.message) ?? '';
  if (code !== undefined) {
    if (unavailableStates.test(code) || socketCodes.has(code) || prismaCodes.has(code)) return true;
    if (code === 'P2028' && message.includes(transactionStartTimeout)) return true;
  }
  const kind = textOf(error.kind);
  if (kind !== undefined && adapterKinds.has(kind)) return true;
  return code === undefined && pgMessages.some((known) => message.startsWith(known));
}

/**
 * The error and everything it wraps, breadth first and bounded: `cause`, Prisma's
 * `meta.driverAdapterError`, GraphQL's `originalError`, Bolt's `original`, AggregateError's `errors`.
 * Not below an HTTP call's failure (fetch's, Slack's Web API's): a refused connection there is
 * another service's outage, not the database's.
 */
function wrapped(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.length < 32) {
    const current = queue.shift();
    if (!isRecord(current) || seen.includes(current)) continue;
    if (isHttpCallFailure(current)) continue;
    seen.push(current);
    const meta = isRecord(current.meta) ? current.meta : {};
    queue.push(current.cause, meta.driverAdapterError, current.originalError, current.original);
    if (Array.isArray(current.errors)) queue.push(...current.errors);
  }
  return seen;
}

function isHttpCallFailure(error: Record<string, unknown>): boolean {
  const code = textOf(error.code);
  return error.message === 'fetch failed' || code?.startsWith('slack_webapi_') === true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
