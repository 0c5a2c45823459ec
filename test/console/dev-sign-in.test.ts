import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { consoleGraphql } from '../support/console-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

/**
 * Development sign-in: pick a person of the company, as long as the development issuer is on
 * (development mode; here on PostgreSQL with APERTURE_DEV_ISSUER=true, NODE_ENV unset).
 */
let db: TestDatabase;
let dataDir: string;
let service: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-console-dev-'));
  service = await startTestService(db, {
    env: { NODE_ENV: '', APERTURE_DATA_DIR: dataDir, APERTURE_DEV_ISSUER: 'true' },
  });
});
afterAll(async () => {
  await service?.stop();
  await db?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const devSignIn = (body: unknown, contentType = 'application/json') =>
  fetch(`${service.url}/console/api/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('development sign-in', () => {
  it('offers itself to a browser with no session', async () => {
    const none = await fetch(`${service.url}/console/api/session`);
    expect({ status: none.status, body: await none.json() }).toEqual({
      status: 401,
      body: { signInMethods: ['development'] },
    });
  });

  it('lists the active people to pick from, with whether each governs', async () => {
    const people = await fetch(`${service.url}/console/api/dev/people`);
    expect(await people.json()).toEqual({
      people: [
        {
          name: 'Ana Analyst',
          email: 'ana@acme.test',
          title: 'Analyst',
          department: 'finance',
          governance: false,
        },
        {
          name: 'Bob Builder',
          email: 'bob@acme.test',
          title: 'Engineer',
          department: 'engineering',
          governance: false,
        },
        {
          name: 'Gina Governance',
          email: 'gina@acme.test',
          title: 'Data Governance Lead',
          department: 'legal',
          governance: true,
        },
      ],
    });
  });

  it('signs a picked person in (any case of their email) with the session cookie', async () => {
    const signedIn = await devSignIn({ email: 'Gina@Acme.test' });
    expect({ status: signedIn.status, body: await signedIn.json() }).toEqual({
      status: 200,
      body: { signedIn: true },
    });
    const [setCookie] = signedIn.headers.getSetCookie();
    expect(setCookie).toMatch(
      /^aperture_console=[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    const cookie = setCookie!.split(';')[0]!;
    const session = await fetch(`${service.url}/console/api/session`, { headers: { cookie } });
    const body = (await session.json()) as { csrfToken: string };
    expect(body).toMatchObject({
      person: { email: 'gina@acme.test', name: 'Gina Governance' },
      roles: { governance: true },
      signInMethods: ['development'],
    });
    expect(
      await consoleGraphql(service.url, { cookie, csrfToken: body.csrfToken }, '{ viewer { kind } }'),
    ).toEqual({
      status: 200,
      data: { viewer: { kind: 'HUMAN' } },
    });
    const stored = await db.prisma.consoleSession.findMany({ select: { signedInVia: true } });
    expect(stored).toEqual([{ signedInVia: 'development' }]);
  });

  it('refuses an unknown person, a bad body and a form post', async () => {
    const unknown = await devSignIn({ email: 'nobody@acme.test' });
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({
      status: 404,
      body: { errors: [{ message: 'no active person has this email', extensions: { code: 'NOT_FOUND' } }] },
    });
    expect((await devSignIn({ email: 'ana@acme.test', admin: true })).status).toBe(400);
    expect((await devSignIn('not json')).status).toBe(400);
    // A form (what another site's page can post without a preflight) never reaches the handler.
    expect((await devSignIn('email=ana%40acme.test', 'application/x-www-form-urlencoded')).status).toBe(415);
    for (const response of [unknown]) expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('OpenID Connect routes are not found when no provider is configured', async () => {
    const start = await fetch(`${service.url}/console/api/oidc/start`, { redirect: 'manual' });
    expect(start.status).toBe(404);
  });

  it('marks the cookie Secure, with the __Host- prefix, when the service is reached over https', async () => {
    const behindTls = await startTestService(db, {
      env: {
        NODE_ENV: '',
        APERTURE_DATA_DIR: dataDir,
        APERTURE_DEV_ISSUER: 'true',
        APERTURE_PUBLIC_URL: 'https://aperture.example',
      },
    });
    try {
      const signedIn = await fetch(`${behindTls.url}/console/api/dev/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ana@acme.test' }),
      });
      expect(signedIn.headers.getSetCookie()).toEqual([
        expect.stringMatching(
          /^__Host-aperture_console=[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/,
        ),
      ]);
    } finally {
      await behindTls.stop();
    }
  });
});
