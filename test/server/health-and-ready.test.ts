import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/create-services.ts';
import { serviceRoutes } from '../../src/app/service-routes.ts';
import { loadConfig } from '../../src/config/config.ts';
import { advisoryLocks } from '../../src/db/locks/lock-names.ts';
import type { ApprovalNotifier } from '../../src/requests/approval-notifier.ts';
import { createHttpServer } from '../../src/server/create-http-server.ts';
import { stopHttpServer } from '../../src/server/stop-http-server.ts';
import { startTcpFaultProxy, type TcpFaultProxy } from '../support/tcp-fault-proxy.ts';
import {
  createEmbeddedTestDatabase,
  createTestDatabase,
  silentLogger,
  type TestDatabase,
} from '../support/test-database.ts';

interface ReadyBody {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: boolean; detail?: string; ms?: number; advisory?: true }>;
}

/** A port nothing listens on: an audit witness there never takes a checkpoint. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('/health and /ready', () => {
  let db: TestDatabase;
  let proxy: TcpFaultProxy;
  let services: Services;
  let server: ReturnType<typeof createHttpServer>;
  let url: string;
  let witnessPort: number;
  /** What no answer may name: the database's host, port, name, user; the witness's address. */
  let secrets: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.url);
    proxy = await startTcpFaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(db.url);
    proxied.port = String(proxy.port);
    witnessPort = await closedPort();
    // Slack's outbox is checked when a notifier is configured; this one delivers nothing.
    const notifier: ApprovalNotifier = { configured: true, notify: async () => {} };
    const config = loadConfig({
      DATABASE_URL: proxied.toString(),
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      APERTURE_SEED_DEMO: 'false',
      APERTURE_IDENTITY_PROVIDERS: '[]',
      APERTURE_AUDIT_WITNESSES: `http://127.0.0.1:${witnessPort}/witness`,
    });
    services = await createServices(config, silentLogger, { notifier });
    server = createHttpServer(await serviceRoutes(services), silentLogger, { publicUrl: null });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await services.startBackgroundWork();
    secrets = [
      '127.0.0.1',
      'localhost',
      String(proxy.port),
      String(witnessPort),
      db.name,
      'postgres',
      '/witness',
    ];
  }, 120_000);

  afterAll(async () => {
    if (server) await stopHttpServer(server, 1_000);
    await services?.close();
    await proxy?.close();
    await db?.dispose();
  }, 120_000);

  async function ready(): Promise<{ status: number; body: ReadyBody; text: string; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${url}/ready`);
    const text = await response.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return {
      status: response.status,
      body: JSON.parse(text) as ReadyBody,
      text,
      ms: performance.now() - started,
    };
  }

  /** Asks /ready until `until` holds (a report is reused for a second). */
  async function readyUntil(
    until: (answer: Awaited<ReturnType<typeof ready>>) => boolean,
    timeoutMs = 20_000,
  ): Promise<Awaited<ReturnType<typeof ready>>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await ready();
      if (until(answer) || Date.now() > deadline) return answer;
      await sleep(250);
    }
  }

  it('answers /ready 200 with every check when all is well, and /health 200', async () => {
    const answer = await readyUntil((candidate) => candidate.status === 200);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ready');
    expect(Object.keys(answer.body.checks).sort()).toEqual([
      'auditSequencer',
      'auditWitnesses',
      'changeFeed',
      'clock',
      'database',
      'jobWorker',
      'slackBacklog',
    ]);
    for (const name of ['database', 'clock', 'changeFeed', 'jobWorker', 'auditSequencer', 'slackBacklog']) {
      expect(answer.body.checks[name], name).toMatchObject({ ok: true, ms: expect.any(Number) });
    }

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('answers HEAD without a body, refuses other methods with 405, other paths with 404, other origins with 403', async () => {
    for (const path of ['/health', '/ready']) {
      const head = await fetch(`${url}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');

      for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
        const refused = await fetch(`${url}${path}`, { method });
        expect(refused.status, `${method} ${path}`).toBe(405);
        expect(refused.headers.get('allow')).toBe('GET, HEAD');
        expect(await refused.json()).toEqual({
          errors: [{ message: `${path} answers GET and HEAD only`, extensions: { code: 'INVALID_INPUT' } }],
        });
      }
      expect((await fetch(`${url}${path}/more`)).status).toBe(404);
      // The shared request guards run first: a page on another origin reads nothing.
      const crossOrigin = await fetch(`${url}${path}`, { headers: { origin: 'https://evil.example' } });
      expect(crossOrigin.status).toBe(403);
    }
    // A query string is not another path.
    expect((await fetch(`${url}/health?probe=1`)).status).toBe(200);
  });

  it('shows a witness that takes no checkpoint and an old Slack backlog as advisory: still ready', async () => {
    // Something to sign, so the sequencer has a checkpoint for the witness.
    await db.prisma.auditEvent.create({
      data: { occurredAt: new Date(), type: 'test.ready', actorChain: [], payload: {} },
    });
    const job = await db.prisma.job.create({
      data: {
        id: crypto.randomUUID(),
        kind: 'approvals.notify',
        payload: { kind: 'routed', requestId: crypto.randomUUID() },
        // Not due: the worker leaves it, as it does a notice waiting out Slack's backoff.
        runAt: new Date(Date.now() + 3_600_000),
        createdAt: new Date(Date.now() - 10 * 60_000),
      },
    });
    try {
      const answer = await readyUntil(
        (candidate) =>
          candidate.body.checks.auditWitnesses?.ok === false &&
          candidate.body.checks.slackBacklog?.ok === false,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('ready');
      expect(answer.body.checks.auditWitnesses).toMatchObject({
        ok: false,
        advisory: true,
        detail: '1 of 1 audit witnesses do not take checkpoints',
      });
      expect(answer.body.checks.slackBacklog).toMatchObject({
        ok: false,
        advisory: true,
        detail: 'approval notices wait longer than 300000 ms',
      });
    } finally {
      await db.prisma.job.delete({ where: { id: job.id } });
    }
  });

  it('reports audit events waiting for sequencing beyond the bound', async () => {
    // Another session holds the sequencer lock: every round finds it taken and sequences nothing.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [advisoryLocks.auditSequencer]);
      await db.prisma.auditEvent.create({
        data: {
          occurredAt: new Date(Date.now() - 5 * 60_000),
          type: 'test.late',
          actorChain: [],
          payload: {},
        },
      });
      const answer = await readyUntil((candidate) => candidate.status === 503);
      expect(answer.status).toBe(503);
      expect(answer.body.status).toBe('not_ready');
      expect(answer.body.checks.auditSequencer).toMatchObject({
        ok: false,
        detail: 'audit events wait for sequencing longer than 60000 ms',
      });
      expect(answer.body.checks.database?.ok).toBe(true);
    } finally {
      await holder.end();
    }
    expect((await readyUntil((candidate) => candidate.status === 200)).status).toBe(200);
  });

  it('keeps /health at 200 while the database hangs; /ready answers 503 within its time budget', async () => {
    await readyUntil((candidate) => candidate.status === 200);
    proxy.hang();
    try {
      await sleep(1_100); // past the reuse of the last report
      const healthStarted = performance.now();
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(performance.now() - healthStarted).toBeLessThan(500);

      const answer = await ready();
      expect(answer.status).toBe(503);
      expect(answer.body.status).toBe('not_ready');
      expect(answer.body.checks.database).toMatchObject({
        ok: false,
        detail: 'did not answer within 2000 ms',
      });
      expect(answer.ms).toBeGreaterThanOrEqual(1_900);
      expect(answer.ms).toBeLessThan(3_000);

      // The hung query is not asked again: the next answer comes at once, still not ready.
      await sleep(1_100);
      const again = await ready();
      expect(again.status).toBe(503);
      expect(again.body.checks.database?.ok).toBe(false);
      expect(again.ms).toBeLessThan(1_000);
    } finally {
      proxy.heal();
    }
    expect((await readyUntil((candidate) => candidate.status === 200)).status).toBe(200);
  }, 60_000);

  it('reports a refused database and a lost change feed while /health stays 200; ready again once back', async () => {
    proxy.cut();
    try {
      const answer = await readyUntil(
        (candidate) =>
          candidate.body.checks.changeFeed?.ok === false && candidate.body.checks.database?.ok === false,
      );
      expect(answer.status).toBe(503);
      expect(answer.body.checks.changeFeed).toMatchObject({
        ok: false,
        detail: 'not listening for changes; caches are bypassed until it reconnects',
      });
      expect(answer.body.checks.database).toMatchObject({
        ok: false,
        detail: 'the database refused the query or the connection',
      });
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      proxy.heal();
    }
    const back = await readyUntil((candidate) => candidate.status === 200, 30_000);
    expect(back.status).toBe(200);
    expect(back.body.checks.changeFeed?.ok).toBe(true);
  }, 60_000);

  it('reports a stopped audit sequencer and a stopped job worker', async () => {
    await services.auditLog.sequencer.stop();
    const sequencerStopped = await readyUntil(
      (candidate) => candidate.body.checks.auditSequencer?.ok === false,
    );
    expect(sequencerStopped.status).toBe(503);
    expect(sequencerStopped.body.checks.auditSequencer).toMatchObject({
      ok: false,
      detail: 'the audit sequencer is not running',
    });
    services.auditLog.sequencer.start();

    await services.jobs.stop();
    const workerStopped = await readyUntil((candidate) => candidate.body.checks.jobWorker?.ok === false);
    expect(workerStopped.status).toBe(503);
    expect(workerStopped.body.checks.jobWorker).toMatchObject({
      ok: false,
      detail: 'the job worker is not running',
    });
    expect(workerStopped.body.checks.auditSequencer?.ok).toBe(true);
  }, 60_000);
});

describe('/ready on the embedded database', () => {
  it('is ready: PGlite answers in the process and its change feed never drops', async () => {
    const database = await createEmbeddedTestDatabase();
    // Its audit key and witness file go to a folder of its own, not the working tree's .data.
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aperture-ready-'));
    const config = loadConfig({
      APERTURE_DATA_DIR: dataDir,
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      APERTURE_SEED_DEMO: 'false',
      APERTURE_IDENTITY_PROVIDERS: '[]',
    });
    const services = await createServices(config, silentLogger, { database });
    const server = createHttpServer(await serviceRoutes(services), silentLogger, { publicUrl: null });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      await services.startBackgroundWork();
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`);
      const body = (await response.json()) as ReadyBody;
      expect(response.status).toBe(200);
      expect(Object.keys(body.checks).sort()).toEqual([
        'auditSequencer',
        'auditWitnesses',
        'changeFeed',
        'clock',
        'database',
        'jobWorker',
      ]);
      expect(body.checks.auditWitnesses).toMatchObject({ ok: true, advisory: true });
      // Measured on PGlite too: the same process's clock.
      expect(body.checks.clock).toMatchObject({ ok: true });
      expect(Math.abs(services.clock.offsetSeconds() ?? Number.NaN)).toBeLessThan(0.05);
    } finally {
      await stopHttpServer(server, 1_000);
      await services.close();
      await database.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
