import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.ts';
import type { Route } from './create-http-server.ts';
import { refuseRequest } from './http-refusal.ts';

export const metricsPath = '/metrics';

/**
 * `GET /metrics`: the registry in Prometheus text format, for operators. With a token, a scrape
 * presents it as a bearer token (compared in constant time) or is refused with 401; without one
 * the endpoint is open, for a port only the scraper reaches.
 */
export function metricsRoute(registry: Registry, token: string | null, logger: Logger): Route {
  const expected = token === null ? null : digest(token);
  return {
    prefix: metricsPath,
    operational: true,
    async handle(request, response) {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== metricsPath || (request.method !== 'GET' && request.method !== 'HEAD')) {
        refuseRequest(response, { status: 404, code: 'NOT_FOUND', message: 'no such endpoint' });
        return;
      }
      if (expected && !presents(request.headers.authorization, expected)) {
        response.setHeader('www-authenticate', 'Bearer realm="metrics"');
        refuseRequest(response, {
          status: 401,
          code: 'UNAUTHENTICATED',
          message: 'a metrics token is needed',
        });
        return;
      }
      let text: string;
      try {
        text = await registry.metrics();
      } catch (error) {
        logger.error({ err: error }, 'metrics could not be collected');
        refuseRequest(response, {
          status: 500,
          code: 'UNAVAILABLE',
          message: 'metrics could not be collected',
        });
        return;
      }
      response.writeHead(200, {
        'content-type': registry.contentType,
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(text),
      });
      response.end(request.method === 'HEAD' ? undefined : text);
    },
  };
}

function presents(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
