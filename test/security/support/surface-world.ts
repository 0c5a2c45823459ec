import { afterAll, beforeAll } from 'vitest';
import { startService } from '../../../src/app/start-service.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/logging/logger.ts';
import { loadRequestCompany, type RequestWorld, worldAround } from '../../support/requests-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { TestIdentityProvider } from '../../support/test-identity-provider.ts';

/** One line of the service's JSON log, as pino wrote it. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** pino's numeric levels. */
export const logLevels = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** A world whose service logs (JSON, at `debug`, through the real logger and its redaction) into `logs`. */
export interface SurfaceWorld {
  readonly db: TestDatabase;
  readonly idp: TestIdentityProvider;
  readonly world: RequestWorld;
  readonly logs: LogLine[];
  /** The lines logged for one request id (every line the service writes while serving it carries it). */
  linesOf(requestId: string): LogLine[];
}

/**
 * The request company, an identity provider and the real service whose log the test reads. `env` may
 * be a function, called when the service starts (after earlier `beforeAll`s, e.g. a fake Slack's URL).
 */
export function useSurfaceWorld(
  env: Record<string, string> | (() => Record<string, string>) = {},
): SurfaceWorld {
  let db: TestDatabase | undefined;
  let idp: TestIdentityProvider | undefined;
  let world: RequestWorld | undefined;
  const logs: LogLine[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    await loadRequestCompany(db);
    idp = await TestIdentityProvider.create();
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      APERTURE_SEED_DEMO: 'false',
      APERTURE_IDENTITY_PROVIDERS: JSON.stringify([await idp.serveJwks()]),
      ...(typeof env === 'function' ? env() : env),
    });
    const logger = createLogger(config.log, {
      write: (line: string) => logs.push(JSON.parse(line) as LogLine),
    });
    world = await worldAround(await startService(config, logger), idp);
  });
  afterAll(async () => {
    await world?.service.stop();
    await idp?.close();
    await db?.dispose();
  });
  return {
    get db() {
      return db!;
    },
    get idp() {
      return idp!;
    },
    get world() {
      return world!;
    },
    logs,
    linesOf: (requestId) => logs.filter((line) => line.requestId === requestId || line.reqId === requestId),
  };
}
