import { chmod, cp, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../../logging/logger.ts';
import { type Database, embeddedDatabase } from '../open-database.ts';

/**
 * Templates a cache folder keeps, most recently used first (some 45 MB each). A key names the
 * sources it was made from, so older ones are left-overs of earlier sources: a few cover switching
 * branches.
 */
const keptTemplates = 3;

export interface TemplateRequest {
  /** The folder of the cached templates. */
  cacheDir: string;
  /** What the template holds, the start of its folder name (`demo`, `migrated`). */
  name: string;
  /** A hash of everything the template's contents depend on: another key is another template. */
  key: string;
  /** Fills a new, empty database with what the template holds. */
  fill(database: Database): Promise<void>;
  logger: Logger;
}

export interface CachedTemplate {
  /** A closed PGlite data folder (what PGlite keeps in `<data folder>/pgdata`). */
  folder: string;
  /** Made now (nothing was cached under this key) rather than found in the cache. */
  built: boolean;
}

/**
 * A prepared PGlite database, from the cache or made now and cached. Creating a database (initdb in
 * WebAssembly) and filling it take seconds; copying a closed one and opening it, under a second.
 * Kept as plain files rather than PGlite's tarball: loading a tarball goes through PGlite's virtual
 * file system and takes longer than the copy. Processes that miss the cache together each make it;
 * the first to finish stores it (rename), the others use theirs once and drop it.
 */
export async function cachedTemplate(request: TemplateRequest): Promise<CachedTemplate> {
  const folder = path.join(request.cacheDir, `${request.name}-${request.key.slice(0, 32)}`);
  if (await markUsed(folder)) return { folder, built: false };
  await mkdir(request.cacheDir, { recursive: true });
  const partial = `${folder}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  try {
    await buildTemplate(partial, request.fill);
    await makeReadable(partial);
    await rename(partial, folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Another process stored the same template first.
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await markUsed(folder))) throw error;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  await prune(request.cacheDir, request.name).catch((error: unknown) =>
    request.logger.warn({ err: error }, 'old embedded database templates could not be removed'),
  );
  return { folder, built: true };
}

/**
 * Copies a template into a data folder's `pgdata`, whole or not at all: a copy cut short never
 * looks like a database (PGlite would take a folder with PG_VERSION for one).
 */
export async function copyTemplate(template: CachedTemplate, pgdata: string): Promise<void> {
  const partial = `${pgdata}.partial`;
  await rm(partial, { recursive: true, force: true });
  try {
    await cp(template.folder, partial, { recursive: true });
    await rename(partial, pgdata);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/**
 * PostgreSQL makes some of its files readable by their owner only. A template holds nothing secret
 * (the fill checks it), and a cache made by one user (a container image's build) may be used by
 * another (the service's): everyone may read it. Copies keep these modes, as they keep PGlite's own.
 */
async function makeReadable(folder: string): Promise<void> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const { mode } = await stat(file);
      await chmod(file, mode | (entry.isDirectory() ? 0o555 : 0o444));
    }),
  );
}

/**
 * Whether the template exists. Its time is set to now, so pruning keeps the templates in use; a
 * cache this process may read but not write (an image's, run as another user) is used all the same.
 */
async function markUsed(folder: string): Promise<boolean> {
  try {
    await stat(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const now = new Date();
  await utimes(folder, now, now).catch(() => {});
  return true;
}

/** A new database, filled and closed: made outside any data folder, it never sees a key file. */
async function buildTemplate(folder: string, fill: TemplateRequest['fill']): Promise<void> {
  const database = embeddedDatabase(await PGlite.create(folder));
  try {
    await fill(database);
  } finally {
    await database.close();
  }
}

/** A template being made takes seconds: a partial one this old was left by a process that died. */
const abandonedAfterMs = 3_600_000;

/** Removes all but the most recently used templates of this name, and abandoned partial ones. */
async function prune(cacheDir: string, name: string): Promise<void> {
  const entries = await Promise.all(
    (await readdir(cacheDir))
      .filter((entry) => entry.startsWith(`${name}-`))
      .map(async (entry) => ({ entry, usedAt: (await stat(path.join(cacheDir, entry))).mtimeMs })),
  );
  const partial = entries.filter(({ entry }) => entry.endsWith('.partial'));
  const complete = entries.filter(({ entry }) => !entry.endsWith('.partial'));
  complete.sort((a, b) => b.usedAt - a.usedAt);
  const removed = [
    ...complete.slice(keptTemplates),
    ...partial.filter(({ usedAt }) => Date.now() - usedAt > abandonedAfterMs),
  ];
  await Promise.all(
    removed.map(({ entry }) => rm(path.join(cacheDir, entry), { recursive: true, force: true })),
  );
}
