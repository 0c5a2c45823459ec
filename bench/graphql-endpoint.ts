import type { AddressInfo } from 'node:net';
import { createServices, type ServiceOverrides } from '../src/app/create-services.ts';
import type { Config } from '../src/config/config.ts';
import { createGraphQLServer } from '../src/graphql/yoga.ts';
import { createHttpServer } from '../src/server/create-http-server.ts';
import type { TestDatabase } from '../test/support/test-database.ts';
import { silentLogger } from '../test/support/test-database.ts';

/**
 * A second GraphQL endpoint beside the service, with one part swapped (authorization off, or
 * authentication skipped), so a bench can measure what that part costs.
 */
export async function serveGraphQL(options: {
  db: TestDatabase;
  config: Config;
  overrides: Pick<ServiceOverrides, 'identity' | 'access'>;
}): Promise<{ url: string; close(): Promise<void> }> {
  const services = await createServices(options.config, silentLogger, {
    ...options.overrides,
    database: options.db,
  });
  const server = createHttpServer(
    [
      {
        prefix: '/graphql',
        handle: createGraphQLServer(services, { graphiql: false, introspection: false }),
      },
    ],
    silentLogger,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
}
