import type { AddressInfo } from 'node:net';
import { AuditBatcher } from '../audit/index.ts';
import type { Config } from '../config/config.ts';
import { createGraphQLServer, graphqlPath } from '../graphql/yoga.ts';
import { createIdentityModule } from '../identity/identity-module.ts';
import type { Logger } from '../logging/logger.ts';
import { tokenEndpoint, tokenEndpointPath } from '../oauth/token-endpoint.ts';
import { wellKnownEndpoints, wellKnownPath } from '../oauth/well-known.ts';
import { AccessService } from '../policy/slice/access-service.ts';
import { createHttpServer } from '../server/create-http-server.ts';
import { stopHttpServer } from '../server/stop-http-server.ts';
import { prepareDatabase } from './prepare-database.ts';

export interface RunningService {
  url: string;
  graphqlUrl: string;
  /** Graceful stop: no new connections, in-flight requests finish, then the database closes. */
  stop(): Promise<void>;
}

export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const database = await prepareDatabase(config, logger);
  const changes = await database.openChangeFeed(logger);
  const identity = await createIdentityModule({
    prisma: database.prisma,
    config: config.identity,
    changes,
    logger,
  });
  const access = new AccessService(database.prisma, identity.state, changes, config.identity);
  const auditBatcher = new AuditBatcher(database.prisma, logger);
  const yoga = createGraphQLServer({
    database,
    identity,
    access,
    auditBatcher,
    logger,
    graphiql: config.http.graphiql,
  });
  const server = createHttpServer(
    [
      { prefix: graphqlPath, handle: yoga },
      {
        prefix: tokenEndpointPath,
        handle: tokenEndpoint(identity.tokenExchange, logger, config.identity.tokenRequestsPerMinute),
      },
      {
        prefix: wellKnownPath,
        handle: wellKnownEndpoints(identity.signingKeys, config.identity, config.http.publicUrl),
      },
    ],
    logger,
  );
  const closeAll = async () => {
    await auditBatcher.close();
    access.close();
    identity.close();
    await changes.close();
    await database.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => resolve());
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
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
