import type http from 'node:http';
import type { Route } from './create-http-server.ts';
import type { DrainState } from './drain-state.ts';
import { refuseRequest } from './http-refusal.ts';
import type { ReadinessReport } from './readiness-checks.ts';

export const healthPath = '/health';
export const readyPath = '/ready';

/**
 * `GET /health`, liveness: 200 `{"status":"ok"}` while the process serves HTTP. It touches
 * nothing else, the database least of all: a PostgreSQL blip must not make an orchestrator
 * restart every replica at once.
 */
export function healthRoute(): Route {
  return {
    prefix: healthPath,
    operational: true,
    handle(request, response) {
      if (refusedProbe(request, response, healthPath)) return;
      answer(request, response, 200, { status: 'ok' });
    },
  };
}

/**
 * `GET /ready`, readiness for load balancers: 200 `{"status":"ready","checks":{...}}` when every
 * deciding check passes, 503 `{"status":"not_ready","checks":{...}}` otherwise. Anonymous: the
 * checks' details are generic (no secret, host or path).
 */
export function readyRoute(probe: () => Promise<ReadinessReport>, drain?: DrainState): Route {
  return {
    prefix: readyPath,
    operational: true,
    async handle(request, response) {
      if (refusedProbe(request, response, readyPath)) return;
      // At once, not from a reused report: the load balancer must notice within its drain period.
      if (drain?.draining) {
        answer(request, response, 503, {
          status: 'draining',
          checks: { shutdown: { ok: false, detail: 'this replica is shutting down' } },
        });
        return;
      }
      const report = await probe();
      answer(request, response, report.ready ? 200 : 503, {
        status: report.ready ? 'ready' : 'not_ready',
        checks: report.checks,
      });
    },
  };
}

/** Only the exact path, only GET and HEAD (405 names them in `Allow`). */
function refusedProbe(request: http.IncomingMessage, response: http.ServerResponse, path: string): boolean {
  if ((request.url ?? '/').split('?')[0] !== path) {
    refuseRequest(response, { status: 404, code: 'NOT_FOUND', message: 'no such endpoint' });
    return true;
  }
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  response.setHeader('allow', 'GET, HEAD');
  // A body we do not read must not be parsed as the next request.
  refuseRequest(response, {
    status: 405,
    code: 'INVALID_INPUT',
    message: `${path} answers GET and HEAD only`,
    close: true,
  });
  return true;
}

function answer(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    // A cached answer would report a replica's state from before it changed.
    'cache-control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : text);
}
