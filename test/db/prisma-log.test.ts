import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { createEmptyPostgresDatabase } from '../support/test-database.ts';

/** Prisma reports through our log (as events), not on stdout; a failed query also reaches its caller. */

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    { level: 'debug', format: 'json' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function postgres(logger: ReturnType<typeof capturingLogger>['logger']): Promise<Database> {
  const created = await createEmptyPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url: created.url, poolSize: 2 }, logger);
  cleanups.push(
    () => created.drop(),
    () => database.close(),
  );
  return database;
}

async function embedded(logger: ReturnType<typeof capturingLogger>['logger']): Promise<Database> {
  const database = await openDatabase({ kind: 'embedded', dataDir: 'memory://' }, logger);
  cleanups.push(() => database.close());
  return database;
}

describe.each([
  ['PostgreSQL', postgres],
  ['the embedded database', embedded],
])('on %s', (_name, open) => {
  it('a failed query is thrown to its caller and leaves a debug line from Prisma', async () => {
    const { logger, lines } = capturingLogger();
    // No migrations applied: the Job table does not exist.
    const database = await open(logger);
    await expect(database.prisma.job.findMany()).rejects.toThrow(/does not exist/);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 20,
        component: 'prisma',
        target: 'job.findMany',
        msg: 'a Prisma request failed',
        details: expect.stringContaining('does not exist'),
      }),
    ]);
  }, 60_000);
});
