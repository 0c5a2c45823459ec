import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../support/graphql-client.ts';
import { runCli, startCli } from '../support/spawn-cli.ts';

/** What a person sees in the terminal (or a log file) when starting the service. */
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-start-output-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const env = (extra: Record<string, string>) => ({
  APERTURE_DATA_DIR: dataDir,
  NODE_ENV: 'development',
  DATABASE_URL: '',
  ...extra,
});

describe('aperture start', () => {
  it('names a port already in use and how to choose another, without a stack trace or touching the data folder', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const run = await runCli(['start'], env({ PORT: String(port), LOG_FORMAT: 'json' }));
      expect(run.exitCode).toBe(1);
      expect(run.stderr.trim()).toBe(
        `error: port ${port} is already in use on 127.0.0.1 (is aperture already running?). ` +
          `Stop the other process, or choose another port: PORT=${port + 1} npm start (PORT=0 picks a free one).`,
      );
      expect(run.stdout).not.toMatch(/migrat|demo company/);
    } finally {
      holder.close();
    }
  });

  it('logs one line per request in the readable format, with no colour codes when the output is not a terminal', async () => {
    const server = await startCli(env({ PORT: '0', LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' }), 150_000);
    try {
      await graphql(server.graphqlUrl, '{ health { status } }');
      await expect.poll(() => server.output().includes('"path":"/graphql"'), { timeout: 10_000 }).toBe(true);
      // The container health check (Dockerfile, docker-compose.yml) asks the same service, at /health.
      const port = new URL(server.graphqlUrl).port;
      expect(healthcheck(port)).toMatchObject({ status: 0 });
    } finally {
      await server.stop();
    }
    const output = server.output();
    expect(output).not.toContain(String.fromCharCode(27));
    const requestLines = output.split('\n').filter((line) => /"path":"\/(graphql|health)"/.test(line));
    expect(requestLines).toHaveLength(2);
    expect(requestLines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request \{.*"method":"POST".*"status":200.*\}$/,
    );
    expect(requestLines[1]).toMatch(/ INFO: request \{.*"method":"GET","path":"\/health","status":200.*\}$/);
  });
});

function healthcheck(port: string) {
  return spawnSync(process.execPath, ['scripts/docker-healthcheck.mjs'], {
    env: { ...process.env, PORT: port },
    encoding: 'utf8',
  });
}

describe('the container health check', () => {
  it('fails when nothing answers', () => {
    const run = healthcheck('1');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^unhealthy: /);
  });
});
