import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/config.ts';
import { graphqlPath } from '../graphql/yoga.ts';
import type { Logger } from '../logging/logger.ts';
import { createHttpServer } from '../server/create-http-server.ts';
import { assertPortAvailable, listen } from '../server/listen.ts';
import { stopHttpServer } from '../server/stop-http-server.ts';
import { createServices, type ServiceOverrides, type Services } from './create-services.ts';
import { serviceRoutes } from './service-routes.ts';

export interface RunningService {
  url: string;
  graphqlUrl: string;
  /** Graceful stop: no new connections, in-flight requests finish, then the modules and the database close. */
  stop(): Promise<void>;
}

/** The modules, then the doors on one HTTP server, then listening, then the background work. */
export async function startService(
  config: Config,
  logger: Logger,
  overrides: ServiceOverrides = {},
): Promise<RunningService> {
  await assertPortAvailable(config.http.port, config.http.host);
  const services = await createServices(config, logger, overrides);
  let server: ReturnType<typeof createHttpServer>;
  try {
    server = await createServiceHttpServer(services);
    await listen(server, config.http.port, config.http.host);
  } catch (error) {
    await services.close();
    throw error;
  }
  if (config.env === 'production' && !config.http.publicUrl) {
    // The MCP endpoint's resource URL (the `aud` its tokens are bound to) and the OAuth metadata
    // then come from each request's Host header, which the caller chooses.
    logger.warn('APERTURE_PUBLIC_URL is not set: set it to the URL clients reach the service at');
  }
  await services.startBackgroundWork();
  const { port } = server.address() as AddressInfo;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    graphqlUrl: `${url}${graphqlPath}`,
    stop() {
      stopping ??= (async () => {
        // /ready says 503 at once; calls are still answered until the load balancer has noticed.
        services.drain.begin();
        const drainMs = config.http.shutdownDrainMs;
        if (drainMs > 0) {
          logger.info({ drainMs }, 'draining: out of rotation, still answering');
          await new Promise((resolve) => setTimeout(resolve, drainMs));
        }
        await stopHttpServer(server, config.http.shutdownTimeoutMs);
        await services.close();
      })();
      return stopping;
    },
  };
}

/**
 * The HTTP server of a service's routes: drained with it, and refusing API calls (503, to retry
 * elsewhere) while this replica's clock is off the database's.
 */
export async function createServiceHttpServer(services: Services): Promise<http.Server> {
  return createHttpServer(await serviceRoutes(services), services.logger, {
    publicUrl: services.config.http.publicUrl,
    metrics: services.metrics,
    drain: services.drain,
    unavailableBecause: () => services.clock.untrustedReason(),
  });
}
