import type { AddressInfo } from 'node:net';
import { AuditBatcher } from '../audit/index.ts';
import { AuditLog } from '../audit/log/audit-log.ts';
import type { Config } from '../config/config.ts';
import { createGraphQLServer, graphqlPath } from '../graphql/yoga.ts';
import { createIdentityModule } from '../identity/identity-module.ts';
import { JobWorker } from '../jobs/job-worker.ts';
import type { Logger } from '../logging/logger.ts';
import { MiningModule } from '../mining/workflow/mining-service.ts';
import { tokenEndpoint, tokenEndpointPath } from '../oauth/token-endpoint.ts';
import { wellKnownEndpoints, wellKnownPath } from '../oauth/well-known.ts';
import { AccessService } from '../policy/slice/access-service.ts';
import { LogOnlyNotifier } from '../requests/approval-notifier.ts';
import { ActiveGrants } from '../requests/grants/active-grants.ts';
import { revokeGrantsOfAgent } from '../requests/grants/end-grant.ts';
import { RequestsModule } from '../requests/requests-module.ts';
import { createHttpServer } from '../server/create-http-server.ts';
import { homeRedirect } from '../server/home-redirect.ts';
import { assertPortAvailable, listen } from '../server/listen.ts';
import { stopHttpServer } from '../server/stop-http-server.ts';
import { prepareDatabase } from './prepare-database.ts';

export interface RunningService {
  url: string;
  graphqlUrl: string;
  /** Graceful stop: no new connections, in-flight requests finish, then the database closes. */
  stop(): Promise<void>;
}

export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  await assertPortAvailable(config.http.port, config.http.host);
  const database = await prepareDatabase(config, logger);
  const changes = await database.openChangeFeed(logger);
  const identity = await createIdentityModule({
    prisma: database.prisma,
    config: config.identity,
    changes,
    logger,
    onAgentStopped: revokeGrantsOfAgent,
  });
  const grants = new ActiveGrants(database.prisma, changes);
  const access = new AccessService(database.prisma, identity.state, grants, changes, config.identity);
  const requests = new RequestsModule({
    prisma: database.prisma,
    access,
    grants,
    changes,
    config: config.requests,
    governanceGroup: config.identity.governanceGroup,
    logger,
  });
  // Slack's SDK takes a good part of a start to load: only when Slack is configured.
  const slackApp = config.slack ? await import('../slack/slack-app.ts') : null;
  const slack =
    slackApp && config.slack
      ? slackApp.createSlackApp({
          config: config.slack,
          prisma: database.prisma,
          identity: identity.state,
          requests,
          logger: logger.child({ component: 'slack' }),
        })
      : null;
  const auditLog = await AuditLog.open({
    prisma: database.prisma,
    config: config.audit,
    logger,
    ...(slack ? { postToSlack: slack.postText } : {}),
  });
  const notifier = slack?.notifier ?? new LogOnlyNotifier(logger.child({ component: 'approvals' }));
  const mining = new MiningModule({
    prisma: database.prisma,
    governanceGroup: config.identity.governanceGroup,
    logger: logger.child({ component: 'mining' }),
    onRulesChanged: () => requests.rulesChanged(),
    intervalMs: config.mining.intervalSeconds * 1000,
    ...(slack?.digest ? { digest: slack.digest } : {}),
  });
  const jobs = new JobWorker(
    database.prisma,
    new Map([...requests.jobHandlers(notifier), ...mining.jobHandlers()]),
    logger.child({ component: 'jobs' }),
    changes,
    {
      pollMs: config.jobs.pollMs,
      leaseMs: 60_000,
      batchSize: 10,
    },
  );
  const auditBatcher = new AuditBatcher(database.prisma, logger);
  const yoga = createGraphQLServer({
    database,
    identity,
    access,
    requests,
    mining,
    auditBatcher,
    logger,
    auditLog,
    graphiql: config.http.graphiql,
    introspection: config.http.introspection,
  });
  const server = createHttpServer(
    [
      // JSON only: a form or text/plain POST is what a cross-site page can send without a preflight.
      { prefix: graphqlPath, handle: yoga, contentTypes: ['application/json'] },
      {
        prefix: tokenEndpointPath,
        handle: tokenEndpoint(identity.tokenExchange, logger, config.identity.tokenRequestsPerMinute),
      },
      ...(slackApp && slack?.handle ? [{ prefix: slackApp.slackEventsPath, handle: slack.handle }] : []),
      homeRedirect(graphqlPath),
      {
        prefix: wellKnownPath,
        handle: wellKnownEndpoints(identity.signingKeys, config.identity, config.http.publicUrl, auditLog),
      },
    ],
    logger,
    { publicUrl: config.http.publicUrl },
  );
  const closeAll = async () => {
    await slack?.stop();
    await jobs.stop();
    await auditBatcher.close();
    // After the last events were written: the final round sequences and signs them.
    await auditLog.stop();
    requests.close();
    access.close();
    grants.close();
    identity.close();
    await changes.close();
    await database.close();
  };
  try {
    await listen(server, config.http.port, config.http.host);
  } catch (error) {
    await closeAll();
    throw error;
  }
  if (!notifier.configured) {
    logger.warn(
      'no approval channel (Slack) is configured: routed access requests wait in the API until they expire; rules still decide',
    );
  }
  await slack?.start();
  await mining
    .scheduleFirstRun()
    .catch((error: unknown) => logger.error({ err: error }, 'the first mining run could not be scheduled'));
  jobs.start();
  auditLog.start();
  const { port } = server.address() as AddressInfo;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    graphqlUrl: `${url}${graphqlPath}`,
    stop() {
      stopping ??= (async () => {
        await stopHttpServer(server, config.http.shutdownTimeoutMs);
        await closeAll();
      })();
      return stopping;
    },
  };
}
