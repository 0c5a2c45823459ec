import type { Route } from './create-http-server.ts';
import { refuseRequest } from './http-refusal.ts';

/**
 * `GET /` (someone opening the service's base URL in a browser) goes to the GraphQL endpoint,
 * where GraphiQL answers when it is on. Nothing else lives at the root.
 */
export function homeRedirect(target: string): Route {
  return {
    prefix: '/',
    handle(request, response) {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        refuseRequest(response, { status: 404, code: 'NOT_FOUND', message: 'no such endpoint' });
        return;
      }
      response.writeHead(302, { location: target, 'content-type': 'text/plain; charset=utf-8' });
      response.end(`See ${target}\n`);
    },
  };
}
