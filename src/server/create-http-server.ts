import http from 'node:http';
import type { Logger } from '../logging/logger.ts';
import { assignRequestId } from './request-id.ts';

/** A request handler for one path prefix (GraphQL now; OAuth and Slack later). */
export type RouteHandler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => void | Promise<void>;

export interface Route {
  prefix: string;
  handle: RouteHandler;
}

/** The one HTTP server of the process: routes by path prefix, answers 404 in JSON otherwise. */
export function createHttpServer(routes: Route[], logger: Logger): http.Server {
  return http.createServer((request, response) => {
    const started = performance.now();
    const requestId = assignRequestId(request, response);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    response.once('finish', () => {
      logger.info(
        {
          requestId,
          method: request.method,
          path,
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    const route = routes.find(
      (candidate) => path === candidate.prefix || path.startsWith(`${candidate.prefix}/`),
    );
    if (!route) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'not_found', message: `No route for ${path}` }));
      return;
    }
    Promise.resolve(route.handle(request, response)).catch((error: unknown) => {
      logger.error({ err: error, requestId, path }, 'unhandled error in HTTP handler');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'internal_error' }));
    });
  });
}
