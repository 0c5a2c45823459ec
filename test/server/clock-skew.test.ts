import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/create-services.ts';
import { createServiceHttpServer } from '../../src/app/start-service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { scheduleJobs } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { stopHttpServer } from '../../src/server/stop-http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

interface ReadyBody {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: boolean; detail?: string; advisory?: true }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a replica whose clock is off the database clock', () => {
  let db: TestDatabase;
  let services: Services;
  let server: Awaited<ReturnType<typeof createServiceHttpServer>>;
  let url: string;
  const lines: Record<string, unknown>[] = [];
  /** This replica's clock against the host's (and the database's). */
  let skewMs = -30_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      NODE_ENV: 'test',
      APERTURE_SEED_DEMO: 'false',
      APERTURE_IDENTITY_PROVIDERS: '[]',
      APERTURE_JOB_POLL_MS: '50',
      APERTURE_METRICS: 'true',
    });
    const logger = createLogger(
      { level: 'info', format: 'json' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    services = await createServices(config, logger, { clockNow: () => Date.now() + skewMs });
    server = await createServiceHttpServer(services);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await services.startBackgroundWork();
  }, 120_000);

  afterAll(async () => {
    if (server) await stopHttpServer(server, 1_000);
    await services?.close();
    await db?.dispose();
  }, 120_000);

  const ready = async () => {
    const response = await fetch(`${url}/ready`);
    return { status: response.status, body: (await response.json()) as ReadyBody };
  };
  const clockOffsetGauge = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith('aperture_clock_offset_seconds '));
    return Number(line?.split(' ')[1]);
  };
  const messages = (level: number) =>
    lines.filter((line) => line.level === level).map((line) => line.msg as string);

  it('refuses API calls with a retryable 503 UNAVAILABLE, and still answers health, readiness and metrics', async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = (await response.json()) as { errors: { message: string; extensions: unknown }[] };
    expect(body.errors[0]!.extensions).toEqual({ code: 'UNAVAILABLE', retryable: true });
    expect(body.errors[0]!.message).toMatch(/clock is 30\.0 s behind the database/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(503);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('reports not ready with the clock check, pauses its job worker, and shows the offset', async () => {
    const answer = await ready();
    expect(answer.status).toBe(503);
    expect(answer.body.status).toBe('not_ready');
    expect(answer.body.checks.clock).toEqual({
      ok: false,
      detail: 'the clock is 30.0 s behind the database (more than the 2000 ms allowed)',
      ms: expect.any(Number),
    });
    // Only the clock: the worker is idle on purpose, not stuck.
    for (const name of ['database', 'changeFeed', 'jobWorker', 'auditSequencer']) {
      expect(answer.body.checks[name]?.ok, name).toBe(true);
    }
    expect(await clockOffsetGauge()).toBeCloseTo(-30, 1);

    // A due job waits for the other replicas: this one claims nothing over many polls.
    await scheduleJobs(db.prisma, [{ kind: 'clock.probe', payload: {}, runAt: new Date(0) }]);
    await sleep(1_000);
    const waiting = await db.prisma.job.findFirstOrThrow({ where: { kind: 'clock.probe' } });
    expect(waiting).toMatchObject({ attempts: 0, lockedUntil: null });

    expect(messages(40).filter((msg) => msg.includes('clock'))).toEqual([
      'the clock is 30.0 s behind the database, more than the 2000 ms allowed: this replica reports not ready and its job worker pauses until the clock is back',
      'the job worker pauses: the clock is 30.0 s behind the database (more than the 2000 ms allowed)',
    ]);
  }, 30_000);

  it('is ready again and claims jobs once its clock is back, saying so once', async () => {
    skewMs = 0;
    await services.clock.measure();
    await sleep(1_100); // past the reuse of the last readiness report
    const answer = await ready();
    expect(answer.status).toBe(200);
    expect(answer.body.checks.clock).toEqual({ ok: true, ms: expect.any(Number) });
    expect(Math.abs(await clockOffsetGauge())).toBeLessThan(0.05);

    const deadline = Date.now() + 10_000;
    let attempts = 0;
    while (attempts === 0 && Date.now() < deadline) {
      await sleep(100);
      // No handler of this kind here: the claim counts an attempt and reschedules it.
      const job = await db.prisma.job.findFirst({ where: { kind: 'clock.probe' } });
      attempts = job?.attempts ?? 0;
    }
    expect(attempts).toBe(1);
    expect(messages(30)).toEqual(
      expect.arrayContaining([
        'the clock is back within 2000 ms of the database',
        'the job worker resumes claiming jobs',
      ]),
    );
    expect(messages(40).filter((msg) => msg.includes('clock'))).toHaveLength(2);
  }, 30_000);
});
