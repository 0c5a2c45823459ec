import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestService } from '../support/test-service.ts';

let db: TestDatabase;
let service: RunningService;
beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService(db, { env: { APERTURE_TOKEN_REQUESTS_PER_MINUTE: '5' } });
});
afterAll(async () => {
  await service.stop();
  await db.dispose();
});

describe('token endpoint rate limit', () => {
  it('answers 429 with Retry-After past the limit, before any slow hash or audit write', async () => {
    const guess = { clientId: 'agt_guess', clientSecret: 'aps_guess' };
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      statuses.push(
        (await exchangeToken(service.url, guess, { subject_token: 'x', intent: 'analytics' })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await exchangeToken(service.url, guess, { subject_token: 'x', intent: 'analytics' });
    expect(limited.body.error).toBe('slow_down');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await db.prisma.auditEvent.count({ where: { type: 'token.refused' } })).toBe(5);
  });
});
