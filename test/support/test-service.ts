import path from 'node:path';
import type { ServiceOverrides } from '../../src/app/create-services.ts';
import { type RunningService, startService } from '../../src/app/start-service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import type { TestDatabase } from './test-database.ts';
import { silentLogger } from './test-database.ts';

export const testPeopleFile = path.resolve('test/fixtures/people/people.json');

export async function loadTestPeople(db: TestDatabase): Promise<void> {
  await applyPeople(db.prisma, testPeopleFile, await parsePeopleFile(testPeopleFile));
}

/**
 * The real service on a test database, listening on a free loopback port. Its modules are built by
 * the composition root (app/create-services.ts), with `overrides` swapping one at the boundary.
 */
export function startTestService(
  db: TestDatabase,
  options: {
    providers?: Record<string, unknown>[];
    env?: Record<string, string>;
    overrides?: Omit<ServiceOverrides, 'database' | 'changes'>;
  } = {},
): Promise<RunningService> {
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    APERTURE_SEED_DEMO: 'false',
    APERTURE_IDENTITY_PROVIDERS: JSON.stringify(options.providers ?? []),
    ...options.env,
  });
  return startService(config, silentLogger, options.overrides);
}
