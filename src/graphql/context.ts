import type { CatalogReader } from '../catalog/read/catalog-reader.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';

/**
 * Who is asking. Until identity arrives every caller is anonymous; resolvers already receive the
 * viewer so that authentication and the authorization slice slot in here.
 */
export type Viewer = { kind: 'anonymous' };

export interface GraphQLContext {
  requestId: string;
  viewer: Viewer;
  /** Every catalog read goes through this reader (the authorization slice will wrap it). */
  catalog: CatalogReader;
  logger: Logger;
  database: Pick<Database, 'kind' | 'sql'>;
}
