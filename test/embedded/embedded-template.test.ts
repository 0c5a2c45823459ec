import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultTemplateSources,
  embeddedTemplate,
  type TemplateSources,
} from '../../src/app/embedded-template.ts';
import { noteSigner, verifierKeyString } from '../../src/audit/log/signed-note.ts';
import { copyTemplate } from '../../src/db/embedded/template-cache.ts';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import { graphql } from '../support/graphql-client.ts';
import { runCli, startCli } from '../support/spawn-cli.ts';
import { silentLogger } from '../support/test-database.ts';

/**
 * A new embedded data folder starts from a prepared template: made once from the migrations and
 * the demo seed, cached under a key of what it was made from, holding nothing secret or signed.
 */
let work: string;
let sources: TemplateSources;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'aperture-template-'));
  sources = { ...defaultTemplateSources, cacheDir: path.join(work, 'cache') };
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** Opens a new data folder made from `folder` (a template), runs `read`, closes it. */
async function inCopy<T>(template: { folder: string }, read: (database: Database) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(work, 'folder-'));
  await copyTemplate({ folder: template.folder, built: false }, path.join(dataDir, 'pgdata'));
  const database = await openDatabase({ kind: 'embedded', dataDir });
  try {
    return await read(database);
  } finally {
    await database.close();
  }
}

const count = async (database: Database, query: string) =>
  (await database.sql.query<{ rows: number }>(`SELECT count(*)::int AS rows FROM ${query}`))[0]!.rows;

describe('the embedded database template', () => {
  it('is made once, then found in the cache: migrated, the demo company loaded, nothing secret or signed', async () => {
    const first = await embeddedTemplate({ demo: true }, silentLogger, sources);
    expect(first.built).toBe(true);
    expect(await embeddedTemplate({ demo: true }, silentLogger, sources)).toEqual({
      folder: first.folder,
      built: false,
    });

    const files = (await readdir(first.folder, { recursive: true })).map(String);
    expect(files).toContain('PG_VERSION');
    // The data folder's own files (keys, witness) are made beside pgdata, never inside it.
    expect(files.filter((file) => /\.pem$|key\.json$|checkpoints\.log$|aperture\.lock/.test(file))).toEqual(
      [],
    );

    const contents = await inCopy(first, async (database) => ({
      pending: (await applyMigrations(database.sql, silentLogger)).applied,
      datasets: await count(database, '"Dataset"'),
      people: await count(database, '"Person"'),
      policyVersions: await count(database, '"PolicySetVersion"'),
      ruleVersions: await count(database, '"RuleSetVersion"'),
      unsequencedEvents: await count(database, '"AuditEvent" WHERE "logIndex" IS NULL'),
      secretsOrSigned: {
        signingKeys: await count(database, '"SigningKey"'),
        agentCredentials: await count(database, '"AgentCredential"'),
        delegationTokens: await count(database, '"DelegationToken"'),
        sequencedEvents: await count(database, '"AuditEvent" WHERE "logIndex" IS NOT NULL'),
        treeSize: await count(database, '"AuditLog" WHERE size > 0'),
        checkpoints: await count(database, '"AuditCheckpoint"'),
      },
    }));
    expect(contents).toEqual({
      pending: [],
      datasets: expect.any(Number),
      people: expect.any(Number),
      policyVersions: 1,
      ruleVersions: 1,
      unsequencedEvents: expect.any(Number),
      secretsOrSigned: {
        signingKeys: 0,
        agentCredentials: 0,
        delegationTokens: 0,
        sequencedEvents: 0,
        treeSize: 0,
        checkpoints: 0,
      },
    });
    expect(contents.datasets).toBeGreaterThanOrEqual(60);
    expect(contents.people).toBeGreaterThanOrEqual(30);
    // The seed's imports and applies, waiting for the new folder's service to sequence and sign them.
    expect(contents.unsequencedEvents).toBeGreaterThanOrEqual(4);
  });

  it('is made again when a migration or a seed file changes, with the change in it', async () => {
    const first = await embeddedTemplate({ demo: true }, silentLogger, sources);

    const migrationsDir = path.join(work, 'migrations');
    await cp(defaultTemplateSources.migrationsDir, migrationsDir, { recursive: true });
    await mkdir(path.join(migrationsDir, '99991231000000_template_probe'));
    await writeFile(
      path.join(migrationsDir, '99991231000000_template_probe', 'migration.sql'),
      'CREATE TABLE "TemplateProbe" (id integer PRIMARY KEY);',
    );
    const migrated = await embeddedTemplate({ demo: true }, silentLogger, { ...sources, migrationsDir });
    expect(migrated.built).toBe(true);
    expect(migrated.folder).not.toBe(first.folder);
    expect(
      await inCopy(migrated, async (database) =>
        count(database, `pg_tables WHERE tablename = 'TemplateProbe'`),
      ),
    ).toBe(1);

    const seedsDir = path.join(work, 'seeds');
    await cp(defaultTemplateSources.seedsDir, seedsDir, { recursive: true });
    const people = JSON.parse(await readFile(path.join(seedsDir, 'people.json'), 'utf8')) as object[];
    people.push({
      email: 'new.hire@acme.example',
      name: 'New Hire',
      title: 'Analyst',
      department: 'finance',
      region: 'emea',
      groups: ['analysts'],
      manager: null,
    });
    await writeFile(path.join(seedsDir, 'people.json'), JSON.stringify(people));
    const reseeded = await embeddedTemplate({ demo: true }, silentLogger, { ...sources, seedsDir });
    expect(reseeded.built).toBe(true);
    expect(new Set([first.folder, migrated.folder, reseeded.folder]).size).toBe(3);
    expect(
      await inCopy(reseeded, (database) => count(database, `"Person" WHERE email = 'new.hire@acme.example'`)),
    ).toBe(1);
  });

  it('gives every new data folder the demo company and its own audit key: each log verifies under its own key only', async () => {
    const folders = [path.join(work, 'service-a'), path.join(work, 'service-b')];
    const env = (dataDir: string) => ({
      APERTURE_DATA_DIR: dataDir,
      PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      DATABASE_URL: '',
    });
    for (const dataDir of folders) {
      const server = await startCli(env(dataDir), 150_000);
      try {
        const health = await graphql(server.graphqlUrl, '{ health { status } }');
        expect(health.data).toEqual({ health: { status: 'ok' } });
      } finally {
        // The last sequencer round, at stop, signs the seed's events with this folder's key.
        expect(await server.stop()).toBe(0);
      }
      expect(server.output()).toMatch(/embedded database template/);
      expect(server.output()).toMatch(/loaded the demo company/);
      const verify = await runCli(['audit', 'verify'], env(dataDir));
      expect(verify.stderr).toBe('');
      expect(verify.exitCode).toBe(0);
      expect(
        Number(/Audit log intact: (\d+) events verified/.exec(verify.stdout)?.[1]),
      ).toBeGreaterThanOrEqual(4);
    }

    const verifierKeys = await Promise.all(
      folders.map(async (dataDir) => {
        const signer = noteSigner(
          'aperture.local/audit',
          await readFile(path.join(dataDir, 'audit-checkpoint-key.pem'), 'utf8'),
        );
        return verifierKeyString(signer.name, signer.publicKey);
      }),
    );
    expect(verifierKeys[0]).not.toBe(verifierKeys[1]);
    const crossed = await runCli(['audit', 'verify', '--key', verifierKeys[1]!], env(folders[0]!));
    expect(crossed.exitCode).toBe(1);
    expect(crossed.stderr).toMatch(/REFUSED/);
  });
});
