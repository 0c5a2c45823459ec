import type http from 'node:http';
import type { ErrorCode } from '../shared/errors.ts';

/**
 * The largest request body the service reads: 1 MiB. GraphQL documents with their variables and
 * Slack's payloads are far smaller; anything bigger is refused before a byte of it is read.
 */
export const maxBodyBytes = 1024 * 1024;

export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  /** Close the connection after answering (the body was not read). */
  close?: boolean;
}

export interface GuardedRoute {
  prefix: string;
  /** Media types a POST body to this route may have; any when absent. */
  contentTypes?: readonly string[];
}

/**
 * What every request must satisfy before its handler runs, or why it is refused:
 * - no cross-origin browser calls: a page on another origin gets 403 (tokens are bearer tokens,
 *   so no other site needs to call us from a browser; the console is served from our origin);
 * - a body declares its length (411 otherwise: a chunked body could not be bounded without
 *   reading it) and stays within `maxBodyBytes` (413);
 * - a POST body has one of the route's media types (415).
 */
export function refusalFor(
  request: http.IncomingMessage,
  route: GuardedRoute,
  options: { publicUrl: string | null },
): Refusal | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined && !isSameOrigin(origin, request.headers.host, options.publicUrl)) {
    return { status: 403, code: 'FORBIDDEN', message: 'cross-origin requests are not accepted' };
  }
  const declared = request.headers['content-length'];
  if (declared === undefined && request.headers['transfer-encoding'] !== undefined) {
    return {
      status: 411,
      code: 'INVALID_INPUT',
      message: 'a request body must declare its Content-Length',
      close: true,
    };
  }
  if (declared !== undefined && Number(declared) > maxBodyBytes) {
    return {
      status: 413,
      code: 'INVALID_INPUT',
      message: `the request body is larger than ${maxBodyBytes} bytes`,
      close: true,
    };
  }
  if (request.method === 'POST' && route.contentTypes) {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!route.contentTypes.includes(mediaType)) {
      return {
        status: 415,
        code: 'INVALID_INPUT',
        message: `a POST to ${route.prefix} must be ${route.contentTypes.join(' or ')}`,
        close: true,
      };
    }
  }
  return undefined;
}

/** The page's origin is ours: the host the request was sent to, or the configured public URL's. */
function isSameOrigin(origin: string, host: string | undefined, publicUrl: string | null): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    // `Origin: null` (sandboxed frames, file://) and garbage are other origins.
    return false;
  }
  if (originHost === '') return false;
  return originHost === host || (publicUrl !== null && originHost === new URL(publicUrl).host);
}
