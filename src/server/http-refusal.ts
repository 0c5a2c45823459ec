import type http from 'node:http';
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
  },
): void {
  const body = JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
  response.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(refusal.close ? { connection: 'close' } : {}),
  });
  response.end(body);
}
