import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { type CachedTemplate, cachedTemplate, copyTemplate } from '../db/embedded/template-cache.ts';
import { applyMigrations } from '../db/migrations/apply-migrations.ts';
import {
  defaultMigrationsDir,
  type MigrationFile,
  readMigrationFiles,
} from '../db/migrations/migration-files.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';
import { demoSeedsDir, loadDemoCompanyIfEmpty } from '../seeds/demo-seed.ts';
import { projectPath, projectRoot, runningCompiled } from '../shared/project-paths.ts';

/**
 * What a new embedded data folder starts from: the migrations applied and, unless the demo is off,
 * the demo company loaded. Made once per version of the code, the migrations and the seeds, and
 * cached; a data folder then starts in about a second instead of creating and filling a database.
 *
 * The template holds no secret and nothing signed: the development issuer's key and the audit
 * checkpoint key are files each data folder makes for itself, and the seed's audit events are not
 * in the Merkle log yet. The service sequences them after its start and signs the checkpoints with
 * the new folder's own key, as it would have after seeding the folder itself.
 */
export interface TemplateContents {
  demo: boolean;
}

/** Where templates are kept and what they are made from; tests give their own. */
export interface TemplateSources {
  cacheDir: string;
  migrationsDir: string;
  seedsDir: string;
}

export const defaultTemplateSources: TemplateSources = {
  cacheDir: projectPath('node_modules', '.cache', 'aperture', 'embedded-templates'),
  migrationsDir: defaultMigrationsDir,
  seedsDir: demoSeedsDir,
};

/** The template for `contents`, from the cache or made now. */
export async function embeddedTemplate(
  contents: TemplateContents,
  logger: Logger,
  sources = defaultTemplateSources,
): Promise<CachedTemplate> {
  const migrations = await readMigrationFiles(sources.migrationsDir);
  return cachedTemplate({
    cacheDir: sources.cacheDir,
    name: contents.demo ? 'demo' : 'migrated',
    key: await templateKey(contents, migrations, sources.seedsDir),
    fill: (database) => fillTemplate(database, contents, migrations, sources.seedsDir, logger),
    logger,
  });
}

/** Errors of a cache this process may not write or read: the folder is then made without a template. */
const notPermitted = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * For openDatabase's `newDatabase`: a data folder without a database gets a copy of the template.
 * When the template cannot be cached (or read), it writes nothing: PGlite creates an empty
 * database, and the start migrates and seeds it as it would without templates.
 */
export function databaseFromTemplate(
  contents: TemplateContents,
  logger: Logger,
): (pgdata: string) => Promise<void> {
  return async (pgdata) => {
    const started = performance.now();
    let template: CachedTemplate;
    try {
      template = await embeddedTemplate(contents, logger);
      await copyTemplate(template, pgdata);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!code || !notPermitted.has(code)) throw error;
      logger.warn(
        { err: error, cacheDir: defaultTemplateSources.cacheDir },
        'the embedded database template cannot be cached or read here: this data folder is created without it (slower)',
      );
      return;
    }
    logger.info(
      { template: path.relative(projectRoot, template.folder), seconds: secondsSince(started) },
      template.built
        ? 'new data folder: made the embedded database template (cached for the next new folder) and copied it'
        : 'new data folder: copied the prepared embedded database template',
    );
  };
}

/** `npm run build` prepares the template a first `npm start` needs. */
export function prepareEmbeddedTemplates(logger: Logger = pino({ level: 'warn' })): Promise<CachedTemplate> {
  return embeddedTemplate({ demo: true }, logger);
}

/**
 * Everything the template's contents depend on. The code counts as a whole (the seed goes through
 * the importers, the policy and rule stores, the audit writer): a source edit makes a new
 * template the next time a data folder is created, a few seconds, instead of a stale one.
 */
async function templateKey(
  contents: TemplateContents,
  migrations: MigrationFile[],
  seedsDir: string,
): Promise<string> {
  const key = {
    format: 1,
    contents,
    code: await codeFingerprint(),
    pglite: await pgliteVersion(),
    migrations: migrations.map((migration) => [migration.name, migration.checksum]),
    seeds: contents.demo ? await folderHashes(seedsDir) : [],
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

interface FingerprintModule {
  sourceFingerprint(root: string): string;
  readBuildStamp(root: string): { fingerprint: string } | null;
}

/**
 * The sources this code is: compiled code was built from the sources its stamp names (the command
 * runs it only while they are current); the sources themselves are hashed (some 30 ms).
 */
async function codeFingerprint(): Promise<string> {
  const module = pathToFileURL(projectPath('scripts', 'build', 'source-fingerprint.mjs')).href;
  const fingerprints = (await import(module)) as FingerprintModule;
  const stamp = runningCompiled ? fingerprints.readBuildStamp(projectRoot) : null;
  return stamp?.fingerprint ?? fingerprints.sourceFingerprint(projectRoot);
}

/** The data folder format is PostgreSQL's (and PGlite's) own: a new PGlite makes a new template. */
async function pgliteVersion(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const packageJson = await findUp(path.dirname(entry), 'package.json');
  return (JSON.parse(await readFile(packageJson, 'utf8')) as { version: string }).version;
}

async function findUp(from: string, name: string): Promise<string> {
  for (let folder = from; ; folder = path.dirname(folder)) {
    if ((await readdir(folder)).includes(name)) return path.join(folder, name);
    if (path.dirname(folder) === folder) throw new Error(`no ${name} above ${from}`);
  }
}

async function folderHashes(folder: string): Promise<[string, string][]> {
  const names = (await readdir(folder, { withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(
      async (name): Promise<[string, string]> => [
        name,
        createHash('sha256')
          .update(await readFile(path.join(folder, name)))
          .digest('hex'),
      ],
    ),
  );
}

/**
 * What a template must not hold: secrets, and anything bound to a data folder's own keys (the
 * Merkle log beyond the empty tree the migration creates, its signed checkpoints).
 */
const folderOwnRows = [
  ['signing keys', 'SELECT count(*)::int AS rows FROM "SigningKey"'],
  ['agent credentials', 'SELECT count(*)::int AS rows FROM "AgentCredential"'],
  ['delegation tokens', 'SELECT count(*)::int AS rows FROM "DelegationToken"'],
  ['sequenced audit events', 'SELECT count(*)::int AS rows FROM "AuditEvent" WHERE "logIndex" IS NOT NULL'],
  ['audit tree state', 'SELECT count(*)::int AS rows FROM "AuditLog" WHERE size > 0'],
  ['audit checkpoints', 'SELECT count(*)::int AS rows FROM "AuditCheckpoint"'],
] as const;

async function fillTemplate(
  database: Database,
  contents: TemplateContents,
  migrations: MigrationFile[],
  seedsDir: string,
  logger: Logger,
): Promise<void> {
  await applyMigrations(database.sql, logger, migrations);
  if (contents.demo) await loadDemoCompanyIfEmpty(database.prisma, seedsDir);
  const held: string[] = [];
  for (const [what, query] of folderOwnRows) {
    const [count] = await database.sql.query<{ rows: number }>(query);
    if (count!.rows > 0) held.push(what);
  }
  if (held.length > 0) {
    // Every data folder made from it would share them: refuse rather than hand out one key to all.
    throw new Error(`the embedded database template would hold ${held.join(', ')}`);
  }
}

function secondsSince(started: number): number {
  return Math.round(performance.now() - started) / 1000;
}
