import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga } from 'graphql-yoga';
import { StoredCatalogReader } from '../catalog/read/catalog-reader.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import { requestIdHeader } from '../server/request-id.ts';
import type { GraphQLContext } from './context.ts';
import { logUnexpectedErrors, maskError } from './errors.ts';
import { schema } from './schema.ts';

export interface YogaOptions {
  database: Database;
  logger: Logger;
  graphiql: boolean;
}

export const graphqlPath = '/graphql';

/** The GraphQL endpoint. A context per request: its id, viewer, logger and catalog reader. */
export function createGraphQLServer({ database, logger, graphiql }: YogaOptions) {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: graphqlPath,
    graphiql: graphiql ? { title: 'aperture' } : false,
    landingPage: false,
    logging: logger.child({ component: 'yoga' }),
    plugins: [
      logUnexpectedErrors(logger),
      EnvelopArmorPlugin({ maxDepth: { n: 10 }, costLimit: { maxCost: 20_000 }, maxAliases: { n: 30 } }),
    ],
    maskedErrors: { maskError: (error) => maskError(error) },
    context: ({ request }) => {
      // Set by the HTTP server for every request (see server/create-http-server.ts).
      const requestId = request.headers.get(requestIdHeader) ?? randomUUID();
      return {
        requestId,
        viewer: { kind: 'anonymous' as const },
        catalog: new StoredCatalogReader(database.prisma),
        logger: logger.child({ requestId }),
        database,
      };
    },
  });
}
