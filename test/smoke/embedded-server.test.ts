import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../support/graphql-client.ts';
import { runCli, startCli } from '../support/spawn-cli.ts';

/** The real server as `npm start` runs it: PGlite in a data folder, demo company loaded. */
let dataDir: string;
const env = () => ({
  APERTURE_DATA_DIR: dataDir,
  PORT: '0',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  NODE_ENV: 'development',
  DATABASE_URL: '',
});

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-smoke-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function devToken(email: string): Promise<string> {
  const run = await runCli(['dev-token', '--user', email], env());
  if (run.exitCode !== 0) throw new Error(run.stderr);
  return run.stdout.trim();
}

describe('embedded server smoke test', () => {
  it('starts on PGlite with the demo company, answers over HTTP, refuses a second process, stops on SIGTERM', async () => {
    const server = await startCli(env(), 120_000);
    try {
      const health = await graphql(server.graphqlUrl, '{ health { status database } }');
      expect(health.data).toEqual({ health: { status: 'ok', database: 'embedded' } });
      // While the server runs, the CLI signs a human token with the development issuer.
      const token = await devToken('rachel.stone@acme.example');
      const viewer = await graphql(
        server.graphqlUrl,
        '{ viewer { kind human { email groups } } }',
        {},
        token,
      );
      expect(viewer.data).toEqual({
        viewer: {
          kind: 'HUMAN',
          human: { email: 'rachel.stone@acme.example', groups: expect.arrayContaining(['governance']) },
        },
      });
      const counts = await graphql<{
        datasets: { totalCount: number };
        metrics: { totalCount: number };
        glossaryTerms: { totalCount: number };
      }>(
        server.graphqlUrl,
        '{ datasets { totalCount } metrics { totalCount } glossaryTerms { totalCount } }',
        {},
        token,
      );
      expect(counts.data!.datasets.totalCount).toBeGreaterThanOrEqual(60);
      expect(counts.data!.metrics.totalCount).toBeGreaterThanOrEqual(15);
      expect(counts.data!.glossaryTerms.totalCount).toBeGreaterThan(0);

      const second = await runCli(['start'], env());
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toMatch(/in use by another aperture process/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toMatch(/"msg":"stopped"/);
  });

  it('restarts on the same folder without loading the demo twice, and the CLI verifies the audit log against its witnessed checkpoints', async () => {
    const server = await startCli(env(), 120_000);
    const counts = await graphql<{ datasets: { totalCount: number } }>(
      server.graphqlUrl,
      '{ datasets { totalCount } }',
      {},
      await devToken('oliver.grant@acme.example'),
    );
    expect(await server.stop()).toBe(0);
    expect(server.output()).not.toMatch(/loaded the demo company/);
    expect(counts.data!.datasets.totalCount).toBeGreaterThanOrEqual(60);

    const verify = await runCli(['audit', 'verify'], env());
    // The demo import events, then one event per query the server answered.
    expect(Number(/Audit log intact: (\d+) events verified/.exec(verify.stdout)?.[1])).toBeGreaterThan(3);
    expect(verify.stdout).toMatch(/consistent with \d+ signed checkpoints/);
    expect(verify.exitCode).toBe(0);
  });
});
