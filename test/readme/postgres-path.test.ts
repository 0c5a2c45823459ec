import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../support/graphql-client.ts';
import { startCli } from '../support/spawn-cli.ts';
import { createEmptyPostgresDatabase } from '../support/test-database.ts';
import { sectionBlocks } from './readme-blocks.ts';
import { runShellBlock, type ShellEnv } from './run-shell.ts';

/**
 * "Running against PostgreSQL", followed as written on an empty database: the commands before
 * `npm start` in a shell, then the service from that shell's environment, then a token and a query
 * from the quickstart. Only the database the README names is swapped for this test's own.
 */
let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
let dataDir: string;

beforeAll(async () => {
  database = await createEmptyPostgresDatabase('aperture_readme');
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-readme-pg-'));
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the README on PostgreSQL', () => {
  it('ends with the demo catalog, its policies and rules, and a working development token', async () => {
    const [block] = sectionBlocks('Running against PostgreSQL');
    const lines = block!.code.split('\n');
    const start = lines.indexOf('npm start');
    expect(start).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^createdb /);
    const readmeUrl = /^export DATABASE_URL=(\S+)/.exec(lines[1] ?? '')?.[1];
    expect(readmeUrl).toBeDefined();
    // The database is created by the test (its own name); everything else runs as written.
    const setup = lines.slice(1, start).join('\n').replace(readmeUrl!, database.url);
    const baseEnv: ShellEnv = { ...(process.env as ShellEnv), APERTURE_DATA_DIR: dataDir, PORT: '0' };
    delete baseEnv.DATABASE_URL;
    delete baseEnv.APERTURE_DEV_ISSUER;
    delete baseEnv.NODE_ENV;
    const { env } = await runShellBlock(setup, baseEnv);
    expect(env.DATABASE_URL).toBe(database.url);

    // The reader's shell has no NODE_ENV (development); vitest's own NODE_ENV=test must not leak in.
    const server = await startCli({ ...env, NODE_ENV: 'development', LOG_FORMAT: 'json' }, 150_000);
    try {
      const token = (
        await runShellBlock('npx aperture dev-token --user oliver.grant@acme.example', env)
      ).stdout.trim();
      const answer = await graphql<{ dataset: { tier: string }; datasets: { totalCount: number } }>(
        server.graphqlUrl,
        '{ dataset(path: "analytics.finance.payments") { tier } datasets { totalCount } }',
        {},
        token,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.dataset.tier).toBe('READ');
      expect(answer.data!.datasets.totalCount).toBeGreaterThan(50);
      // The demo's rules were applied too.
      const rachel = (
        await runShellBlock('npx aperture dev-token --user rachel.stone@acme.example', env)
      ).stdout.trim();
      const rules = await graphql<{ rules: { version: number; rules: { id: string }[] } }>(
        server.graphqlUrl,
        '{ rules { version rules } }',
        {},
        rachel,
      );
      expect(rules.errors).toBeUndefined();
      expect(rules.data!.rules.rules.map((rule) => rule.id)).toContain('finance-analysts-sales-data');
    } finally {
      await server.stop();
    }
  });

  it('refuses a development token on PostgreSQL without APERTURE_DEV_ISSUER, naming that variable', async () => {
    const env: ShellEnv = {
      ...(process.env as ShellEnv),
      APERTURE_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
    };
    delete env.APERTURE_DEV_ISSUER;
    delete env.NODE_ENV;
    await expect(
      runShellBlock('npx aperture dev-token --user oliver.grant@acme.example', env),
    ).rejects.toThrow(/APERTURE_DEV_ISSUER=true/);
  });
});
