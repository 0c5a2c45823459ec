import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../logging/logger.ts';
import { type ChangeFeed, openPgliteChangeFeed, openPostgresChangeFeed } from './change-feed.ts';
import { createPrismaClient } from './create-prisma-client.ts';
import type { DatabaseConfig } from './database-config.ts';
import { lockDataFolder } from './embedded/data-folder-lock.ts';
import { pgliteExecutor, poolExecutor, type SqlExecutor } from './sql-executor.ts';

export type { PrismaClient } from '../../generated/prisma/client.ts';

export interface Database {
  kind: DatabaseConfig['kind'];
  prisma: PrismaClient;
  /** Raw SQL on the same database, for migrations and checks. */
  sql: SqlExecutor;
  /** Starts listening for change notifications from every replica (the service does; CLI commands need not). */
  openChangeFeed(logger?: Logger): Promise<ChangeFeed>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * The embedded database only: writes the database of a data folder that has none yet into its
   * `pgdata` folder (e.g. copies a prepared template, see embedded/template-cache.ts), instead of
   * PGlite creating an empty one. Called under the folder's lock.
   */
  newDatabase?: (pgdata: string) => Promise<void>;
}

export async function openDatabase(
  config: DatabaseConfig,
  logger?: Logger,
  options: OpenOptions = {},
): Promise<Database> {
  return config.kind === 'postgres'
    ? openPostgres(config.url, config.poolSize, logger)
    : openEmbedded(config.dataDir, options.newDatabase, logger);
}

function openPostgres(url: string, poolSize: number, logger?: Logger): Database {
  // A new connection to a database that answers nothing (a hung host, a black-holed route) is
  // given up after 5 s, answered as unavailable; TCP keepalive notices an open one that died.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // An idle connection can fail (server restart, terminated backend). Without a listener that
  // error would crash the process; the pool replaces the connection on the next query.
  pool.on('error', (error) => logger?.warn({ err: error }, 'an idle database connection failed'));
  // A connection in use fails too, e.g. between two queries of a transaction: the next query
  // fails and the caller sees it, but the client's unheard error event would crash the process.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger?.debug({ err: error }, 'a database connection in use failed'));
  });
  const prisma = createPrismaClient(new PrismaPg(pool), logger);
  return {
    kind: 'postgres',
    prisma,
    sql: poolExecutor(pool),
    openChangeFeed: (feedLogger) => openPostgresChangeFeed(url, feedLogger ?? logger),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** PGlite in a data folder ('memory://' for a throwaway in-memory database). */
async function openEmbedded(
  dataDir: string,
  newDatabase?: (pgdata: string) => Promise<void>,
  logger?: Logger,
): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? async () => {} : await lockDataFolder(dataDir);
  try {
    const pgdata = inMemory ? dataDir : path.join(dataDir, 'pgdata');
    if (newDatabase && !inMemory && (await isMissingOrEmpty(pgdata))) {
      await rm(pgdata, { recursive: true, force: true });
      await newDatabase(pgdata);
    }
    return embeddedDatabase(await PGlite.create(pgdata), release, logger);
  } catch (error) {
    await release();
    throw error;
  }
}

/** A folder with anything in it is left to PGlite, which knows a database from a broken one. */
async function isMissingOrEmpty(folder: string): Promise<boolean> {
  try {
    return (await readdir(folder)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** A Database over an open PGlite; closing it closes PGlite, then releases the data folder. */
export function embeddedDatabase(
  pglite: PGlite,
  release: () => Promise<void> = async () => {},
  logger?: Logger,
): Database {
  const prisma = createPrismaClient(new PrismaPGlite(pglite), logger);
  return {
    kind: 'embedded',
    prisma,
    sql: pgliteExecutor(pglite),
    openChangeFeed: () => openPgliteChangeFeed(pglite),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      await release();
    },
  };
}
