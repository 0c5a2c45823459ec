import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../support/graphql-client.ts';
import { type RunningCli, runCli, startCli } from '../support/spawn-cli.ts';
import { createEmptyPostgresDatabase } from '../support/test-database.ts';
import { haproxyAvailable, haproxyConfigPath, readCompose } from './compose-file.ts';

/**
 * What `docker compose up` runs, without Docker: the two replicas with the environment
 * docker-compose.yml gives them (the database, ports and the data folder swapped for this test's
 * own), started in the order it starts them, behind haproxy with deploy/haproxy.cfg (its replica
 * addresses swapped for theirs). Needs haproxy on the machine; skipped otherwise.
 */
describe.skipIf(!haproxyAvailable)('two replicas behind HAProxy, as docker-compose.yml runs them', () => {
  let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  let folder: string;
  let proxyUrl: string;
  let proxy: ChildProcess | undefined;
  let proxyLog = '';
  const replicas: RunningCli[] = [];

  beforeAll(async () => {
    database = await createEmptyPostgresDatabase('aperture_ops_proxy');
    folder = await mkdtemp(path.join(tmpdir(), 'aperture-proxy-'));
    const dataDir = path.join(folder, 'data');
    const compose = readCompose();
    const envOf = (service: string): Record<string, string> => {
      const environment = compose.services[service]!.environment!;
      return {
        ...environment,
        DATABASE_URL: database.url,
        // The image sets APERTURE_DATA_DIR=/data; the shared volume is this folder here.
        APERTURE_DATA_DIR: dataDir,
        APERTURE_AUDIT_WITNESSES: environment.APERTURE_AUDIT_WITNESSES!.replace('/data', dataDir),
        HOST: '127.0.0.1',
        PORT: '0',
      };
    };
    // aperture-2 waits for aperture-1 (service_healthy): so does this test.
    replicas.push(await startCli(envOf('aperture-1'), 150_000));
    replicas.push(await startCli(envOf('aperture-2'), 150_000));

    const port = await freePort();
    const cfg = (await readFile(haproxyConfigPath, 'utf8'))
      .replace(/^resolvers docker\n(?:[ \t]+.*\n)+/m, '')
      .replace(/ resolvers docker init-addr \S+/, '')
      .replace('bind :4000', `bind 127.0.0.1:${port}`)
      .replace(/aperture-(\d):4000/g, (_all, n: string) => new URL(replicas[Number(n) - 1]!.graphqlUrl).host);
    const cfgFile = path.join(folder, 'haproxy.cfg');
    await writeFile(cfgFile, cfg);
    proxy = spawn('haproxy', ['-db', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    proxy.stdout!.on('data', (chunk) => (proxyLog += chunk));
    proxy.stderr!.on('data', (chunk) => (proxyLog += chunk));
    proxyUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    proxy?.kill('SIGTERM');
    await Promise.all(replicas.map((replica) => replica.stop()));
    await database?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('answers through the proxy from both replicas, with one development key and one seeded database', async () => {
    // Both replicas pass HAProxy's /ready check (it marks them up after two good checks).
    await expect
      .poll(async () => (await fetch(`${proxyUrl}/ready`).catch(() => null))?.status, { timeout: 30_000 })
      .toBe(200);
    const token = (
      await runCli(['dev-token', '--user', 'oliver.grant@acme.example'], {
        ...readCompose().services['aperture-2']!.environment!,
        DATABASE_URL: database.url,
        APERTURE_DATA_DIR: path.join(folder, 'data'),
      })
    ).stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const before = replicas.map((replica) => graphqlLines(replica.output()));
    for (let call = 0; call < 6; call += 1) {
      const answer = await graphql<{ datasets: { totalCount: number } }>(
        `${proxyUrl}/graphql`,
        '{ datasets { totalCount } }',
        {},
        token,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.datasets.totalCount).toBeGreaterThan(50);
    }
    // Round robin: each replica answered some of the six.
    replicas.forEach((replica, index) => {
      expect(graphqlLines(replica.output())).toBeGreaterThan(before[index]!);
    });
    // The proxy does not serve a replica's metrics.
    expect((await fetch(`${proxyUrl}/metrics`)).status).toBe(404);
  });

  it('keeps answering when one replica stops', async () => {
    await replicas[1]!.stop();
    replicas.pop();
    for (let call = 0; call < 4; call += 1) {
      const response = await fetch(`${proxyUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ health { status } }' }),
      });
      expect(response.status, proxyLog).toBe(200);
    }
  });
});

function graphqlLines(output: string): number {
  return output.split('\n').filter((line) => line.includes('"path":"/graphql"')).length;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
