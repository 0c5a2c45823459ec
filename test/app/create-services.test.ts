import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/create-services.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { ApprovalNotifier } from '../../src/requests/approval-notifier.ts';
import { createTestDatabase, silentLogger, type TestDatabase } from '../support/test-database.ts';

describe('the composition root', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await db?.dispose();
  }, 120_000);

  const config = () =>
    loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      APERTURE_SEED_DEMO: 'false',
      APERTURE_IDENTITY_PROVIDERS: '[]',
    });

  it('builds the modules on a database it was given, uses the overrides, and leaves that database open', async () => {
    const notifier: ApprovalNotifier = { configured: true, notify: async () => {} };
    const services = await createServices(config(), silentLogger, { database: db, notifier });
    expect(services.database).toBe(db);
    expect(services.notifier).toBe(notifier);
    expect(services.slack).toBeNull();

    await services.close();
    // Closing twice is one close.
    await services.close();
    expect(await db.sql.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 120_000);

  it('opens and closes its own database when none is given', async () => {
    const services = await createServices(config(), silentLogger);
    expect(services.database).not.toBe(db);
    expect(await services.database.sql.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await services.close();
    await expect(services.database.sql.query('SELECT 1')).rejects.toThrow();
  }, 120_000);
});
