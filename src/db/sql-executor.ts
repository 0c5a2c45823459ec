import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The few raw-SQL operations that migrations need, over either PostgreSQL or PGlite.
 * Everything else goes through Prisma.
 */
export interface SqlExecutor {
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<void>;
  /** Runs `work` on one connection inside BEGIN/COMMIT, rolling back on error. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `work` on one dedicated connection (session-level locks need one). */
  withConnection<T>(work: (connection: SqlExecutor) => Promise<T>): Promise<T>;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

function pgExecutor(client: Queryable): SqlExecutor {
  const self: SqlExecutor = {
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
    async exec(script) {
      await client.query(script);
    },
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work(self);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    withConnection: (work) => work(self),
  };
  return self;
}

export function poolExecutor(pool: pg.Pool): SqlExecutor {
  const withConnection = async <T>(work: (connection: SqlExecutor) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(pgExecutor(client));
    } finally {
      client.release();
    }
  };
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await pool.query(sql, params);
      return result.rows as Row[];
    },
    async exec(script) {
      await pool.query(script);
    },
    transaction: (work) => withConnection((connection) => connection.transaction(work)),
    withConnection,
  };
}

export function pgliteExecutor(db: PGlite): SqlExecutor {
  const self: SqlExecutor = {
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await db.query<Row>(sql, params);
      return result.rows;
    },
    async exec(script) {
      await db.exec(script);
    },
    transaction: (work) =>
      db.transaction(async (tx) => {
        const inner: SqlExecutor = {
          async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
            return (await tx.query<Row>(sql, params)).rows;
          },
          async exec(script) {
            await tx.exec(script);
          },
          transaction: (nested) => nested(inner),
          withConnection: (nested) => nested(inner),
        };
        return work(inner);
      }),
    // PGlite has a single connection.
    withConnection: (work) => work(self),
  };
  return self;
}
