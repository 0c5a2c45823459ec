import { randomUUID } from 'node:crypto';
import type http from 'node:http';

export const requestIdHeader = 'x-request-id';

/**
 * The request's id: the caller's `x-request-id` when it is a sane token (so ids follow a request
 * across services), a new UUID otherwise. Written back onto the request and the response.
 */
export function assignRequestId(request: http.IncomingMessage, response: http.ServerResponse): string {
  const given = request.headers[requestIdHeader];
  const requestId = typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
  request.headers[requestIdHeader] = requestId;
  response.setHeader(requestIdHeader, requestId);
  return requestId;
}
