import type http from 'node:http';
import type { Route } from '../server/create-http-server.ts';
import { consoleHostNames, isConsoleHost, isLoopbackHost, wrongHostMessage } from './console-host.ts';
import { notFound, refuse } from './http/answers.ts';
import { type ConsoleApiContext, consoleApiPath } from './routes/console-api-context.ts';
import { devPeopleRoute, devSignInRoute } from './routes/dev-sign-in.ts';
import { oidcCallbackRoute, oidcStartRoute } from './routes/oidc-routes.ts';
import { sessionRoute } from './routes/session-route.ts';
import { signOutRoute } from './routes/sign-out.ts';

type ConsoleHandler = (
  context: ConsoleApiContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => Promise<void>;

/** Method and path (below /console/api) of each route. */
const handlers: Record<string, ConsoleHandler> = {
  'GET /session': sessionRoute,
  'GET /dev/people': devPeopleRoute,
  'POST /dev/sign-in': devSignInRoute,
  'GET /oidc/start': oidcStartRoute,
  'GET /oidc/callback': oidcCallbackRoute,
  'POST /sign-out': signOutRoute,
};

/**
 * The console's own JSON API: sign-in, the session, sign-out. Everything else the console shows
 * comes from GraphQL. Registered before the console's pages (/console/*). A POST must be JSON:
 * no other site's form or text/plain POST (what needs no preflight) reaches a handler.
 *
 * Against DNS rebinding (see console-host.ts): development sign-in answers only to a loopback
 * `Host` (404 otherwise, as when it is off), and every route only to the names the console is known by.
 */
export function consoleApiRoute(context: ConsoleApiContext): Route {
  const hostNames = consoleHostNames([context.publicUrl, context.oidcRedirectUrl]);
  return {
    prefix: consoleApiPath,
    contentTypes: ['application/json'],
    handle(request, response) {
      const path = (request.url ?? '/').split('?')[0]!.slice(consoleApiPath.length);
      const handler = handlers[`${request.method} ${path}`];
      if (!handler) return notFound(response);
      const host = request.headers.host;
      if (path.startsWith('/dev/') && !isLoopbackHost(host)) return notFound(response);
      if (!isConsoleHost(host, hostNames)) return refuse(response, 403, 'FORBIDDEN', wrongHostMessage);
      return handler(context, request, response);
    },
  };
}
