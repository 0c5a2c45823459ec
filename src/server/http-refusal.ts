import type http from 'node:http';
import type { DatabaseUnavailableError } from '../db/database-unavailable.ts';
import type { ErrorCode } from '../shared/errors.ts';

/**
 * Answers a request the server refuses before any handler sees it, in the shape GraphQL clients
 * already read (`errors[].extensions.code`, one of our stable codes). `close` drops the connection
 * after the answer: a body we did not read must not be parsed as the next request.
 */
export function refuseRequest(
  response: http.ServerResponse,
  refusal: {
    status: number;
    /** A stable code, or the one masked unexpected errors carry. */
    code: ErrorCode | 'INTERNAL_SERVER_ERROR';
    message: string;
    close?: boolean;
    /** The same request may succeed later: `Retry-After` and `extensions.retryable`. */
    retryAfterSeconds?: number;
  },
): void {
  const retry = refusal.retryAfterSeconds;
  const extensions = { code: refusal.code, ...(retry === undefined ? {} : { retryable: true }) };
  const body = JSON.stringify({ errors: [{ message: refusal.message, extensions }] });
  response.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(retry === undefined ? {} : { 'retry-after': String(retry) }),
    ...(refusal.close ? { connection: 'close' } : {}),
  });
  response.end(body);
}

/**
 * 503 while the database is down or restarting: retry in a moment. (A connection lost during a
 * commit may have committed: a retried call can meet what the first one did.)
 */
export function refuseWhileDatabaseUnavailable(
  response: http.ServerResponse,
  unavailable: DatabaseUnavailableError,
): void {
  refuseRequest(response, {
    status: 503,
    code: unavailable.code,
    message: unavailable.message,
    retryAfterSeconds: unavailable.retryAfterSeconds,
  });
}
