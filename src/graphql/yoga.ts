import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga } from 'graphql-yoga';
import { type AuditBatcher, type Channel, inChannel } from '../audit/index.ts';
import type { AuditLog } from '../audit/log/audit-log.ts';
import type { Database } from '../db/open-database.ts';
import type { IdentityModule } from '../identity/identity-module.ts';
import { whileAuthorized } from '../identity/streams/while-authorized.ts';
import { TokenRefusedError } from '../identity/token-refusal.ts';
import { viewerLogContext } from '../identity/viewer.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { MiningModule } from '../mining/workflow/mining-service.ts';
import type { AccessService } from '../policy/slice/access-service.ts';
import { SliceCatalogReader } from '../policy/slice/slice-catalog-reader.ts';
import type { PolicyGovernance } from '../policy/store/policy-governance.ts';
import type { RequestsModule } from '../requests/requests-module.ts';
import type { RouteHandler } from '../server/create-http-server.ts';
import { requestIdHeader } from '../server/request-id.ts';
import type { VendingModule } from '../vending/vending-module.ts';
import {
  authenticatedViewer,
  presentedSession,
  type SessionAuthenticator,
  servedBySession,
  useAuthentication,
} from './authentication.ts';
import type { GraphQLContext } from './context.ts';
import { logUnexpectedErrors, maskError, yogaLogger } from './errors.ts';
import { offlineGraphiQL } from './graphiql/offline-graphiql.ts';
import { useIntrospectionControl } from './introspection.ts';
import { useOperationMetrics } from './operation-metrics.ts';
import { schema } from './schema.ts';
import { useSliceAudit } from './slice-audit.ts';
import { useNoSuggestions } from './suggestions.ts';

/** The modules the GraphQL door calls: the composition root (app/create-services.ts) builds them. */
export interface GraphQLModules {
  database: Database;
  identity: IdentityModule;
  /** Decides what each viewer may see of the catalog. */
  access: AccessService;
  /** Access requests, decisions and grants. */
  requests: RequestsModule;
  /** Rule suggestions and their review. */
  mining: MiningModule;
  /** The policy set, for governance. */
  policies: PolicyGovernance;
  /** Where the audit events of queries go. */
  auditBatcher: AuditBatcher;
  /** The Merkle audit log (its health, and governance reads). */
  auditLog: AuditLog;
  /** Vended database logins. */
  vending: VendingModule;
  logger: Logger;
  /** Where operations are timed (absent: not measured). */
  metrics?: Metrics;
}

export interface GraphQLOptions {
  graphiql: boolean;
  /** Schema introspection for callers with a token (off in production unless configured). */
  introspection: boolean;
  /** The console's sessions: a person's browser calls with its cookie (and CSRF header). */
  sessions?: SessionAuthenticator;
}

export const graphqlPath = '/graphql';

/** GraphQL callers name no client software: policies tell GraphQL apart only as a door. */
export const graphqlChannel: Channel = Object.freeze({ name: 'graphql', client: null });

/** A person's browser calling GraphQL with the console's session cookie. */
export const consoleChannel: Channel = Object.freeze({ name: 'console', client: null });

/**
 * The GraphQL endpoint. Each request gets its context: its id, the viewer authenticated from its
 * bearer token (or console session) against the current state, a logger carrying both, and a
 * catalog reader. Each is served in the `graphql` channel, or `console` when its session cookie
 * authenticates it: the slices it reads and every audit event it causes say so.
 */
export function createGraphQLServer(modules: GraphQLModules, options: GraphQLOptions): RouteHandler {
  const yoga = createYogaServer(modules, options);
  return (request, response) => {
    const bySession = servedBySession(
      options.sessions,
      request.headers.authorization,
      request.headers.cookie,
    );
    return inChannel(bySession ? consoleChannel : graphqlChannel, () => yoga(request, response));
  };
}

function createYogaServer(
  {
    database,
    identity,
    access,
    requests,
    mining,
    policies,
    auditBatcher,
    auditLog,
    vending,
    logger,
    metrics,
  }: GraphQLModules,
  { graphiql, introspection, sessions }: GraphQLOptions,
) {
  // Served from our own origin, files included: no CDN is reachable where data is governed.
  const graphiqlConsole = graphiql ? offlineGraphiQL(graphqlPath) : undefined;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: graphqlPath,
    graphiql: graphiqlConsole?.options ?? false,
    ...(graphiqlConsole ? { renderGraphiQL: graphiqlConsole.render } : {}),
    landingPage: false,
    logging: yogaLogger(logger),
    plugins: [
      ...(graphiqlConsole ? [graphiqlConsole.plugin] : []),
      ...(metrics ? [useOperationMetrics(metrics)] : []),
      useAuthentication(identity.authenticator, logger, sessions),
      useIntrospectionControl(introspection),
      useNoSuggestions(),
      logUnexpectedErrors(logger),
      useSliceAudit(auditBatcher),
      EnvelopArmorPlugin({
        maxDepth: { n: 10 },
        costLimit: { maxCost: 20_000 },
        maxAliases: { n: 30 },
        // Replaced by useNoSuggestions, which strips every form of suggestion.
        blockFieldSuggestion: { enabled: false },
      }),
    ],
    maskedErrors: { maskError: (error) => maskError(error) },
    context: async ({ request }) => {
      // Set by the HTTP server for every request (see server/create-http-server.ts).
      const requestId = request.headers.get(requestIdHeader) ?? randomUUID();
      const viewer = authenticatedViewer(request);
      const requestLogger = logger.child({ requestId, ...viewerLogContext(viewer) });
      const authorization = request.headers.get('authorization');
      const cookie = request.headers.get('cookie');
      const bySession = servedBySession(sessions, authorization, cookie);
      const channel = bySession ? consoleChannel : graphqlChannel;
      const credential = identity.streamAuthorization(authorization, viewer);
      // A stream opened by a console session lasts as long as the session does (and keeps it
      // alive no longer than the person's own use of it does).
      const presented = presentedSession(request);
      const streamAuthorization =
        bySession && sessions ? { ...credential, check: () => sessions.recheck(presented) } : credential;
      return {
        requestId,
        viewer,
        whileAuthorized: (source) =>
          whileAuthorized(source, {
            ...streamAuthorization,
            check: () =>
              streamAuthorization.check().catch((error: unknown) => {
                if (error instanceof TokenRefusedError) {
                  requestLogger.info({ reason: error.reason }, 'stream ended: bearer token refused');
                }
                throw error;
              }),
          }),
        catalog: new SliceCatalogReader(await access.sliceFor(viewer, channel)),
        identity,
        access,
        requests,
        mining,
        policies,
        logger: requestLogger,
        database,
        auditLog,
        vending,
      };
    },
  });
}
