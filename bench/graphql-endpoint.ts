import type { AddressInfo } from 'node:net';
import { AuditBatcher } from '../src/audit/index.ts';
import { AuditLog } from '../src/audit/log/audit-log.ts';
import type { Config } from '../src/config/config.ts';
import type { ChangeFeed } from '../src/db/change-feed.ts';
import { createGraphQLServer } from '../src/graphql/yoga.ts';
import type { IdentityModule } from '../src/identity/identity-module.ts';
import { MiningModule } from '../src/mining/workflow/mining-service.ts';
import type { AccessService } from '../src/policy/slice/access-service.ts';
import { ActiveGrants } from '../src/requests/grants/active-grants.ts';
import { RequestsModule } from '../src/requests/requests-module.ts';
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
  changes: ChangeFeed;
  identity: IdentityModule;
  access: (grants: ActiveGrants) => AccessService;
}): Promise<{ url: string; close(): Promise<void> }> {
  const { db, config, changes, identity } = options;
  const grants = new ActiveGrants(db.prisma, changes);
  const access = options.access(grants);
  const requests = new RequestsModule({
    prisma: db.prisma,
    access,
    grants,
    changes,
    config: config.requests,
    governanceGroup: config.identity.governanceGroup,
    logger: silentLogger,
  });
  const server = createHttpServer(
    [
      {
        prefix: '/graphql',
        handle: createGraphQLServer({
          database: db,
          identity,
          access,
          requests,
          mining: new MiningModule({
            prisma: db.prisma,
            governanceGroup: config.identity.governanceGroup,
            logger: silentLogger,
          }),
          auditBatcher: new AuditBatcher(db.prisma, silentLogger),
          auditLog: await AuditLog.open({ prisma: db.prisma, config: config.audit, logger: silentLogger }),
          logger: silentLogger,
          graphiql: false,
          introspection: false,
        }),
      },
    ],
    silentLogger,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      access.close();
      requests.close();
      grants.close();
    },
  };
}
