import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';
import { type RawAnswer, rawRequest } from './support/raw-request.ts';

/**
 * DNS rebinding, from the attacker's side: a page on `rebind.attacker.example`, whose name the
 * attacker re-points to 127.0.0.1, is same-origin with itself (its Origin matches its Host) and
 * reaches the service on the developer's machine. It must get nothing: no development sign-in,
 * no session, no GraphQL over a cookie. Loopback names, and the host of APERTURE_PUBLIC_URL, work.
 */
let db: TestDatabase;
let dataDir: string;
let local: RunningService;
let behindTls: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-console-host-'));
  const env = { NODE_ENV: '', APERTURE_DATA_DIR: dataDir, APERTURE_DEV_ISSUER: 'true' };
  local = await startTestService(db, { env });
  behindTls = await startTestService(db, {
    env: { ...env, APERTURE_PUBLIC_URL: 'https://aperture.example' },
  });
});
afterAll(async () => {
  await local?.stop();
  await behindTls?.stop();
  await db?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const rebound = { host: 'rebind.attacker.example', origin: 'http://rebind.attacker.example' };
const port = (service: RunningService) => new URL(service.url).port;

const wrongHost =
  'the console answers only on loopback or on the host of APERTURE_PUBLIC_URL: set APERTURE_PUBLIC_URL to the address people reach the service at';

/** Signs in through development sign-in as a page on `host` would; the cookie pair and CSRF token. */
async function signIn(service: RunningService, email: string, host = `127.0.0.1:${port(service)}`) {
  const signedIn = await rawRequest(service.url, '/console/api/dev/sign-in', {
    headers: { host },
    json: { email },
  });
  expect(signedIn.status).toBe(200);
  const cookie = signedIn.setCookies[0]!.split(';')[0]!;
  const session = await rawRequest(service.url, '/console/api/session', { headers: { host, cookie } });
  return { cookie, csrfToken: (session.body as { csrfToken: string }).csrfToken };
}

function graphqlOverCookie(
  service: RunningService,
  signedIn: { cookie: string; csrfToken: string },
  headers: Record<string, string>,
): Promise<RawAnswer> {
  return rawRequest(service.url, '/graphql', {
    headers: {
      accept: 'application/json',
      cookie: signedIn.cookie,
      'x-aperture-csrf': signedIn.csrfToken,
      ...headers,
    },
    json: { query: '{ viewer { kind human { email } } }' },
  });
}

describe('a page on a rebound name', () => {
  it('finds no development sign-in: not the people, not a session', async () => {
    const sessionsBefore = await db.prisma.consoleSession.count();
    const people = await rawRequest(local.url, '/console/api/dev/people', { headers: rebound });
    const signedIn = await rawRequest(local.url, '/console/api/dev/sign-in', {
      headers: rebound,
      json: { email: 'gina@acme.test' },
    });
    const notFound = {
      status: 404,
      setCookies: [],
      body: { errors: [{ message: 'no such endpoint', extensions: { code: 'NOT_FOUND' } }] },
    };
    expect(people).toEqual(notFound);
    expect(signedIn).toEqual(notFound);
    expect(await db.prisma.consoleSession.count()).toBe(sessionsBefore);
  });

  it("reads no session, not even the victim's own, and so no CSRF token", async () => {
    const gina = await signIn(local, 'gina@acme.test');
    const session = await rawRequest(local.url, '/console/api/session', {
      headers: { ...rebound, cookie: gina.cookie },
    });
    expect(session).toEqual({
      status: 403,
      setCookies: [],
      body: { errors: [{ message: wrongHost, extensions: { code: 'FORBIDDEN' } }] },
    });
    // Nor can it sign the victim out.
    const out = await rawRequest(local.url, '/console/api/sign-out', {
      headers: { ...rebound, cookie: gina.cookie, 'x-aperture-csrf': gina.csrfToken },
      json: {},
    });
    expect(out.status).toBe(403);
  });

  it('calls no GraphQL with the cookie, even holding the CSRF token', async () => {
    const gina = await signIn(local, 'gina@acme.test');
    expect(await graphqlOverCookie(local, gina, rebound)).toEqual({
      status: 401,
      setCookies: [],
      body: { errors: [{ message: wrongHost, extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    // The same session from loopback still works: the refusal was the name's.
    expect((await graphqlOverCookie(local, gina, {})).body).toEqual({
      data: { viewer: { kind: 'HUMAN', human: { email: 'gina@acme.test' } } },
    });
  });

  it('a Host that only looks like loopback is not loopback', async () => {
    for (const host of [
      'evil@127.0.0.1',
      '127.0.0.1.rebind.attacker.example',
      'localhost.attacker.example',
      '127.0.0.1/x',
    ]) {
      const people = await rawRequest(local.url, '/console/api/dev/people', { headers: { host } });
      expect(people.status, host).toBe(404);
    }
  });
});

describe('loopback names', () => {
  it('localhost, 127.0.0.1 and [::1], on any port, may sign in and call GraphQL', async () => {
    for (const host of [`localhost:${port(local)}`, '127.0.0.1:9', '[::1]:3000', 'LOCALHOST']) {
      const people = await rawRequest(local.url, '/console/api/dev/people', { headers: { host } });
      expect({ host, status: people.status }).toEqual({ host, status: 200 });
      const ana = await signIn(local, 'ana@acme.test', host);
      expect((await graphqlOverCookie(local, ana, { host })).body).toEqual({
        data: { viewer: { kind: 'HUMAN', human: { email: 'ana@acme.test' } } },
      });
    }
  });
});

describe('with APERTURE_PUBLIC_URL', () => {
  it('its host serves the session and GraphQL, but never development sign-in', async () => {
    const gina = await signIn(behindTls, 'gina@acme.test');
    const host = 'aperture.example';
    const session = await rawRequest(behindTls.url, '/console/api/session', {
      headers: { host, cookie: gina.cookie },
    });
    expect(session.status).toBe(200);
    // Development sign-in is not offered where it would not answer.
    expect(session.body).toMatchObject({ signInMethods: [] });
    expect((await graphqlOverCookie(behindTls, gina, { host })).body).toEqual({
      data: { viewer: { kind: 'HUMAN', human: { email: 'gina@acme.test' } } },
    });
    const people = await rawRequest(behindTls.url, '/console/api/dev/people', { headers: { host } });
    expect(people.status).toBe(404);
    expect((await graphqlOverCookie(behindTls, gina, rebound)).status).toBe(401);
  });
});

describe('the session cookie over https', () => {
  it('is named __Host-aperture_console: Secure, Path=/, no Domain', async () => {
    const signedIn = await rawRequest(behindTls.url, '/console/api/dev/sign-in', {
      json: { email: 'ana@acme.test' },
    });
    expect(signedIn.setCookies).toEqual([
      expect.stringMatching(
        /^__Host-aperture_console=[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/,
      ),
    ]);
    expect(signedIn.setCookies[0]).not.toMatch(/Domain=/i);
  });

  it('only that name is read: a plain aperture_console (what a sibling subdomain can toss) is no session', async () => {
    const ana = await signIn(behindTls, 'ana@acme.test');
    const value = ana.cookie.slice('__Host-aperture_console='.length);
    const tossed = { cookie: `aperture_console=${value}`, csrfToken: ana.csrfToken };
    const session = await rawRequest(behindTls.url, '/console/api/session', {
      headers: { cookie: tossed.cookie },
    });
    expect(session.status).toBe(401);
    // Without a session cookie of its name, the call is an anonymous one.
    expect((await graphqlOverCookie(behindTls, tossed, {})).status).toBe(401);
  });

  it('two session cookies resolve neither, in either order', async () => {
    const ana = await signIn(behindTls, 'ana@acme.test');
    const gina = await signIn(behindTls, 'gina@acme.test');
    for (const cookie of [`${ana.cookie}; ${gina.cookie}`, `${gina.cookie}; ${ana.cookie}`]) {
      const session = await rawRequest(behindTls.url, '/console/api/session', { headers: { cookie } });
      expect(session.status).toBe(401);
      for (const csrfToken of [ana.csrfToken, gina.csrfToken]) {
        expect(await graphqlOverCookie(behindTls, { cookie, csrfToken }, {})).toEqual({
          status: 401,
          setCookies: [],
          body: {
            errors: [
              {
                message: 'the console session has ended: sign in again',
                extensions: { code: 'UNAUTHENTICATED' },
              },
            ],
          },
        });
      }
    }
    // Each alone still works.
    expect((await graphqlOverCookie(behindTls, ana, {})).status).toBe(200);
  });
});

describe('a new sign-in', () => {
  it('ends the session the browser presented', async () => {
    const ana = await signIn(local, 'ana@acme.test');
    const anaId = (await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } })).id;
    const anasSessions = await db.prisma.consoleSession.count({ where: { personId: anaId } });
    const again = await rawRequest(local.url, '/console/api/dev/sign-in', {
      headers: { cookie: ana.cookie },
      json: { email: 'gina@acme.test' },
    });
    expect(again.status).toBe(200);
    expect(await db.prisma.consoleSession.count({ where: { personId: anaId } })).toBe(anasSessions - 1);
    expect((await graphqlOverCookie(local, ana, {})).status).toBe(401);
    const ended = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'console.signed_out' },
      orderBy: { id: 'desc' },
    });
    expect(ended.actorHumanId).toBe(anaId);
  });
});
