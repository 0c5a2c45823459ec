import http from 'node:http';
import { databaseUnavailable, unavailableReason } from '../db/database-unavailable.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { DrainState } from './drain-state.ts';
import { refuseRequest, refuseWhileDatabaseUnavailable } from './http-refusal.ts';
import { refusalFor } from './request-guards.ts';
import { assignRequestId } from './request-id.ts';
import { setSecurityHeaders } from './security-headers.ts';

/** A request handler for one path prefix (GraphQL, the OAuth token endpoint, Slack, well-known). */
export type RouteHandler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => void | Promise<void>;

export interface Route {
  prefix: string;
  handle: RouteHandler;
  /** Media types a POST body may have (e.g. only `application/json` for GraphQL); any when absent. */
  contentTypes?: readonly string[];
  /** Health, readiness, metrics: answered even while the replica refuses API calls. */
  operational?: boolean;
}

export interface HttpServerOptions {
  /** The service's public base URL: pages on its origin may call the API (besides the Host's). */
  publicUrl: string | null;
  /** How long a client may take to send its headers (default 15 s). */
  headersTimeoutMs?: number;
  /** How long a client may take to send its whole request, body included (default 30 s). */
  requestTimeoutMs?: number;
  /** Where each answer is counted and timed (by route, method and status class). */
  metrics?: Pick<Metrics, 'httpRequests' | 'httpDuration'>;
  /** While draining, each answer closes its connection (clients reconnect to another replica). */
  drain?: DrainState;
  /**
   * Why this replica must not answer API calls now (its clock is off the database's: every
   * expiry it judged would be wrong), or undefined. Such calls get 503 UNAVAILABLE, to retry.
   */
  unavailableBecause?: () => string | undefined;
}

/**
 * A slow client holds a connection for as long as it takes to send its request: bounded well below
 * Node's defaults (60 s for headers, 5 min for the request), and checked every second rather than
 * every 30 s. Answers (event streams) may last as long as they need.
 */
const defaultHeadersTimeoutMs = 15_000;
const defaultRequestTimeoutMs = 30_000;

/**
 * The one HTTP server of the process: routes by path prefix, answers 404 in JSON otherwise.
 * Before any handler runs, a request passes the shared guards (same origin, body size, media
 * type; see request-guards.ts) and every answer gets the security headers.
 */
export function createHttpServer(
  routes: Route[],
  logger: Logger,
  options: HttpServerOptions = { publicUrl: null },
): http.Server {
  const headersTimeout = options.headersTimeoutMs ?? defaultHeadersTimeoutMs;
  const requestTimeout = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const limits = {
    headersTimeout,
    requestTimeout: Math.max(requestTimeout, headersTimeout),
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  };
  return http.createServer(limits, (request, response) => {
    const started = performance.now();
    const requestId = assignRequestId(request, response);
    setSecurityHeaders(response);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const route = routes.find(
      (candidate) => path === candidate.prefix || path.startsWith(`${candidate.prefix}/`),
    );
    response.once('finish', () => {
      const ms = performance.now() - started;
      logger.info(
        { requestId, method: request.method, path, status: response.statusCode, ms: Math.round(ms) },
        'request',
      );
      if (options.metrics) {
        const labels = httpLabels(route, request.method, response.statusCode);
        options.metrics.httpRequests.inc(labels);
        options.metrics.httpDuration.observe(labels, ms / 1000);
      }
    });
    if (!route) {
      // The path is not echoed: it is the caller's text, not ours to reflect.
      refuseRequest(response, { status: 404, code: 'NOT_FOUND', message: 'no such endpoint' });
      return;
    }
    if (options.drain?.draining) response.setHeader('connection', 'close');
    const unavailable = route.operational ? undefined : options.unavailableBecause?.();
    if (unavailable) {
      logger.warn({ requestId, path, reason: unavailable }, 'replica unavailable');
      refuseRequest(response, {
        status: 503,
        code: 'UNAVAILABLE',
        message: `This replica cannot answer now (${unavailable}); retry shortly.`,
        retryAfterSeconds: 1,
      });
      return;
    }
    const refusal = refusalFor(request, route, options);
    if (refusal) {
      logger.info({ requestId, path, status: refusal.status, reason: refusal.message }, 'request refused');
      refuseRequest(response, refusal);
      return;
    }
    Promise.resolve(route.handle(request, response)).catch((error: unknown) => {
      // An outage of the database is expected now and then: one calm line, and the caller retries.
      const unavailable = databaseUnavailable(error);
      if (unavailable) {
        logger.warn({ requestId, path, reason: unavailableReason(unavailable) }, 'database unavailable');
        if (response.headersSent) response.end();
        else refuseWhileDatabaseUnavailable(response, unavailable);
        return;
      }
      logger.error({ err: error, requestId, path }, 'unhandled error in HTTP handler');
      if (response.headersSent) response.end();
      else
        refuseRequest(response, {
          status: 500,
          code: 'INTERNAL_SERVER_ERROR',
          message: 'Unexpected error.',
        });
    });
  });
}

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Labels from our own words only: the route's door (the first segment of its prefix: graphql, mcp,
 * oauth, slack, console, well-known; home for `/`, none when no route matched), a known method
 * (else other) and the status class (2xx, 4xx, ...). Never the caller's path.
 */
export function httpLabels(
  route: Route | undefined,
  method: string | undefined,
  status: number,
): { route: string; method: string; status: string } {
  const door = route ? route.prefix.split('/')[1]?.replace(/^\./, '') || 'home' : 'none';
  return {
    route: door,
    method: method && knownMethods.has(method) ? method : 'other',
    status: `${Math.floor(status / 100)}xx`,
  };
}
