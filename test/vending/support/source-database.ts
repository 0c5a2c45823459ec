import pg from 'pg';
import { adminUrl } from '../../support/test-database.ts';

/** Runs SQL in a database as the test cluster's superuser, on a connection of its own. */
export function superuserIn(url: string) {
  return async <R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query<R>(sql, values);
    } finally {
      await client.end();
    }
  };
}

/**
 * Drops every role whose name starts with `<prefix>_` (roles are cluster-wide: a fixture names its
 * admin, owner and vended roles so).
 */
export async function dropRolesOf(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY rolname DESC',
      [`${prefix}_`],
    );
    for (const { rolname } of rows) await client.query(`DROP ROLE IF EXISTS "${rolname}"`);
  } finally {
    await client.end();
  }
}

/** What a vended login tells the agent to connect with. */
export interface LoginCoordinates {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

/** Logs in with a vended login. A terminated session emits an error event: callers read the query's. */
export async function connectVended(login: LoginCoordinates): Promise<pg.Client> {
  const client = new pg.Client({
    host: login.host,
    port: login.port,
    database: login.database,
    user: login.username,
    password: login.password,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}
