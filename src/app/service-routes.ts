import { type ChannelName, inChannel } from '../audit/channel.ts';
import { authzenConfigurationRoute, authzenDoor } from '../authzen/authzen-door.ts';
import { authzenConfigurationPath, authzenPrefix } from '../authzen/authzen-paths.ts';
import { DenialBindings } from '../authzen/denial-binding.ts';
import { consoleDoor } from '../console/console-door.ts';
import { consoleRoute } from '../console/static/console-route.ts';
import { createGraphQLServer, graphqlPath } from '../graphql/yoga.ts';
import { mcpHttpDoor } from '../mcp/mcp-http-door.ts';
import { tokenEndpoint, tokenEndpointPath } from '../oauth/token-endpoint.ts';
import { wellKnownEndpoints, wellKnownPath } from '../oauth/well-known.ts';
import type { Route, RouteHandler } from '../server/create-http-server.ts';
import { healthRoute, readyRoute } from '../server/health-routes.ts';
import { homeRedirect } from '../server/home-redirect.ts';
import { metricsRoute } from '../server/metrics-route.ts';
import type { Services } from './create-services.ts';
import { serviceReadiness } from './readiness.ts';

/** The doors of the service, each on its path of the one HTTP server, all calling the same modules. */
export async function serviceRoutes(services: Services): Promise<Route[]> {
  const { config, identity, logger, slack, auditLog, database } = services;
  const consoleApi = consoleDoor({
    prisma: database.prisma,
    identity,
    config: config.console,
    publicUrl: config.http.publicUrl,
    logger,
  });
  // Loaded already when Slack is configured (create-services.ts): Bolt stays unloaded otherwise.
  const slackRoute = slack?.handle
    ? [
        {
          prefix: (await import('../slack/slack-app.ts')).slackEventsPath,
          handle: throughChannel('slack', slack.handle),
        },
      ]
    : [];
  return [
    // JSON only: a form or text/plain POST is what a cross-site page can send without a preflight.
    {
      prefix: graphqlPath,
      handle: createGraphQLServer(services, {
        graphiql: config.http.graphiql,
        introspection: config.http.introspection,
        sessions: consoleApi.sessions,
      }),
      contentTypes: ['application/json'],
    },
    // Agents over MCP (Streamable HTTP): the same modules, its own door and audience.
    mcpHttpDoor(services, config.mcp, config.http.publicUrl).route,
    {
      prefix: tokenEndpointPath,
      handle: throughChannel(
        'oauth',
        tokenEndpoint(
          identity.tokenExchange,
          logger,
          config.identity.tokenRequestsPerMinute,
          config.http.publicUrl,
        ),
      ),
    },
    // Policy enforcement points (gateways, MCP proxies, data platforms) over AuthZEN 1.0.
    {
      prefix: authzenPrefix,
      handle: throughChannel(
        'authzen',
        authzenDoor({
          authenticator: identity.authenticator,
          pepClients: identity.pepClients,
          access: services.access,
          requests: services.requests,
          bindings: new DenialBindings(identity.signingKeys, config.identity.issuer),
          auditBatcher: services.auditBatcher,
          logger,
          publicUrl: config.http.publicUrl,
        }),
      ),
      contentTypes: ['application/json'],
    },
    ...slackRoute,
    // The console's sign-in and session API, before any page of the console (/console/*).
    { ...consoleApi.route, handle: throughChannel('console', consoleApi.route.handle) },
    // The console's page and files (its session routes, /console/api, come before it).
    consoleRoute(),
    // For load balancers and orchestrators: no token; /health never touches the database.
    healthRoute(),
    readyRoute(serviceReadiness(services), services.drain),
    // For operators' scrapers: only when configured, behind its bearer token when one is set.
    ...(config.metrics.enabled
      ? [metricsRoute(services.metrics.registry, config.metrics.token, logger)]
      : []),
    homeRedirect(graphqlPath),
    { prefix: authzenConfigurationPath, handle: authzenConfigurationRoute(config.http.publicUrl) },
    {
      prefix: wellKnownPath,
      handle: wellKnownEndpoints(identity.signingKeys, config.identity, config.http.publicUrl, auditLog),
    },
  ];
}

/** What a door's handler audits names the door (GraphQL and MCP name theirs per call). */
function throughChannel(name: ChannelName, handle: RouteHandler): RouteHandler {
  const channel = { name, client: null };
  return (request, response) => inChannel(channel, () => handle(request, response));
}
