import pg from 'pg';
import { redactUrl } from '../../../logging/logger.ts';
import { ApertureError } from '../../../shared/errors.ts';
import type { CatalogSnapshot } from '../../catalog-snapshot.ts';
import {
  type ColumnRow,
  columnsQuery,
  type KeyRow,
  keysQuery,
  type RelationRow,
  relationsQuery,
} from './introspection-queries.ts';
import { postgresToSnapshot } from './postgres-to-snapshot.ts';

export interface IntrospectOptions {
  /** Only these schemas (default: every user schema). */
  schemas?: string[] | undefined;
  /** The catalog source name (first path segment); default: the database name. */
  sourceName?: string | undefined;
}

/** Reads tables, views, columns, types, comments and keys of a live PostgreSQL database. */
export async function introspectPostgres(
  url: string,
  options: IntrospectOptions = {},
): Promise<CatalogSnapshot> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new ApertureError(
      'INVALID_INPUT',
      `Cannot connect to ${redactUrl(url)}: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  try {
    const schemas = options.schemas && options.schemas.length > 0 ? options.schemas : null;
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const database = (await client.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!
      .name;
    const relations = (await client.query<RelationRow>(relationsQuery, [schemas])).rows;
    const columns = (await client.query<ColumnRow>(columnsQuery, [schemas])).rows;
    const keys = (await client.query<KeyRow>(keysQuery, [schemas])).rows;
    await client.query('COMMIT');
    return postgresToSnapshot({
      source: options.sourceName ?? database,
      schemas,
      input: redactUrl(url),
      relations,
      columns,
      keys,
    });
  } finally {
    await client.end();
  }
}
