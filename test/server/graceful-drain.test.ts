import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestService } from '../support/test-service.ts';

let db: TestDatabase;
let service: RunningService;
beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService(db, { env: { SHUTDOWN_DRAIN_MS: '1500' } });
}, 120_000);
afterAll(async () => {
  await service?.stop();
  await db?.dispose();
});

const graphql = () =>
  fetch(`${service.graphqlUrl}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

it('a stopping replica leaves rotation at once and keeps answering through its drain period, then closes', async () => {
  expect((await fetch(`${service.url}/ready`)).status).toBe(200);
  expect((await graphql()).headers.get('connection')).not.toBe('close');
  const started = Date.now();
  const stopped = service.stop();
  const ready = await fetch(`${service.url}/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({
    status: 'draining',
    checks: { shutdown: { ok: false, detail: 'this replica is shutting down' } },
  });
  // Still answered, each answer closing its connection (the client reconnects elsewhere).
  const answered = await graphql();
  expect(answered.status).toBe(200);
  expect(answered.headers.get('connection')).toBe('close');
  expect((await fetch(`${service.url}/health`)).status).toBe(200);
  await stopped;
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  await expect(graphql()).rejects.toThrow();
});
