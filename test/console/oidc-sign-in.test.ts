import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { consoleGraphql } from '../support/console-client.ts';
import {
  cookieHeader,
  keepCookies,
  LocalOidcProvider,
  signInThroughOidc,
} from '../support/local-oidc-provider.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

/**
 * Signing in to the console with OpenID Connect against a real provider (oidc-provider) on
 * loopback: authorization code with PKCE, the pending sign-in bound to the browser, the session
 * cookie, sign-out. The browser is played with fetch: redirects followed by hand, cookies carried.
 */
let db: TestDatabase;
let provider: LocalOidcProvider;
let service: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  provider = await LocalOidcProvider.start();
  service = await startTestService(db, { env: { APERTURE_CONSOLE_OIDC: provider.consoleSetting() } });
  provider.allowRedirect(`${service.url}/console/api/oidc/callback`);
});
afterAll(async () => {
  await service?.stop();
  await provider?.close();
  await db?.dispose();
});

const viewerQuery = '{ viewer { kind human { email } } }';

/** Starts a sign-in as a fresh browser; returns its cookie jar and the provider URL it was sent to. */
async function startSignIn(returnTo = '/console/agents?tab=mine') {
  const browser = new Map<string, string>();
  const start = await fetch(
    `${service.url}/console/api/oidc/start?returnTo=${encodeURIComponent(returnTo)}`,
    {
      redirect: 'manual',
    },
  );
  keepCookies(browser, start);
  return { browser, start, authorizationUrl: start.headers.get('location')! };
}

describe('OpenID Connect sign-in', () => {
  it('sends the browser to the provider with PKCE S256, state and nonce, keeping them in a Lax httpOnly cookie', async () => {
    const { start, authorizationUrl } = await startSignIn();
    expect(start.status).toBe(302);
    const url = new URL(authorizationUrl);
    expect(url.origin).toBe(provider.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: provider.clientId,
      response_type: 'code',
      redirect_uri: `${service.url}/console/api/oidc/callback`,
      scope: 'openid email',
      code_challenge_method: 'S256',
    });
    for (const parameter of ['code_challenge', 'state', 'nonce']) {
      expect(url.searchParams.get(parameter)).toMatch(/^[\w-]{20,}$/);
    }
    const [pending] = start.headers.getSetCookie();
    expect(pending).toMatch(
      /^aperture_console_oidc=[\w-]+; Path=\/console\/api\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    // The verifier never leaves the browser's cookie for the provider's URL.
    expect(authorizationUrl).not.toContain('verifier');
  });

  it('signs a person in: a Strict httpOnly session cookie, back to where they started, and GraphQL knows them', async () => {
    const { browser, authorizationUrl } = await startSignIn('/console/agents?tab=mine');
    const callback = await provider.completeLogin(authorizationUrl, 'ana@acme.test');
    expect(callback.startsWith(`${service.url}/console/api/oidc/callback?`)).toBe(true);
    const back = await fetch(callback, { redirect: 'manual', headers: { cookie: cookieHeader(browser) } });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/console/agents?tab=mine');
    const cookies = back.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe(
      'aperture_console_oidc=; Path=/console/api/oidc; Max-Age=0; HttpOnly; SameSite=Lax',
    );
    expect(cookies[1]).toMatch(
      /^aperture_console=[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    keepCookies(browser, back);

    const cookie = `aperture_console=${browser.get('aperture_console')}`;
    const session = await fetch(`${service.url}/console/api/session`, { headers: { cookie } });
    const body = (await session.json()) as Record<string, unknown>;
    expect({ status: session.status, ...body }).toEqual({
      status: 200,
      person: { name: 'Ana Analyst', email: 'ana@acme.test', title: 'Analyst', department: 'finance' },
      roles: { governance: false },
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
      expiresAt: expect.any(String),
      signInMethods: ['oidc'],
    });
    expect(
      await consoleGraphql(service.url, { cookie, csrfToken: body.csrfToken as string }, viewerQuery),
    ).toEqual({ status: 200, data: { viewer: { kind: 'HUMAN', human: { email: 'ana@acme.test' } } } });

    // Stored as the SHA-256 of the cookie value, never the value itself.
    const rows = await db.prisma.consoleSession.findMany({ select: { id: true, signedInVia: true } });
    const value = browser.get('aperture_console')!;
    expect(rows.some((row) => row.id === value)).toBe(false);
    expect(rows).toContainEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      signedInVia: provider.issuer,
    });
  });

  it('says a governance lead is one', async () => {
    const signIn = await signInThroughOidc(service.url, provider, 'gina@acme.test');
    const session = await fetch(`${service.url}/console/api/session`, { headers: { cookie: signIn.cookie } });
    expect(await session.json()).toMatchObject({
      person: { email: 'gina@acme.test' },
      roles: { governance: true },
    });
  });

  it('a person unknown to the people store gets a calm page and no session', async () => {
    const { browser, authorizationUrl } = await startSignIn();
    const callback = await provider.completeLogin(authorizationUrl, 'stranger@elsewhere.test');
    const back = await fetch(callback, { redirect: 'manual', headers: { cookie: cookieHeader(browser) } });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/console/?signInError=unknown_person');
    expect(back.headers.getSetCookie().some((cookie) => cookie.startsWith('aperture_console='))).toBe(false);
  });

  it('login CSRF: an answer the provider gave another browser signs nobody in here', async () => {
    // The attacker starts a sign-in in their own browser and signs in at the provider as themselves...
    const attacker = await startSignIn();
    const attackersCallback = await provider.completeLogin(attacker.authorizationUrl, 'bob@acme.test');
    // ...then gets the victim's browser to open that callback: without the pending sign-in it started,
    const victim = await fetch(attackersCallback, { redirect: 'manual' });
    expect(victim.headers.get('location')).toBe('/console/?signInError=sign_in_expired');
    expect(victim.headers.getSetCookie().some((cookie) => cookie.startsWith('aperture_console='))).toBe(
      false,
    );
    // ...or with one of its own (another state and verifier).
    const victimsOwn = await startSignIn();
    const crossed = await fetch(attackersCallback, {
      redirect: 'manual',
      headers: { cookie: cookieHeader(victimsOwn.browser) },
    });
    expect(crossed.headers.get('location')).toBe('/console/?signInError=invalid_response');
    expect(crossed.headers.getSetCookie().some((cookie) => cookie.startsWith('aperture_console='))).toBe(
      false,
    );
  });

  it('refuses an email the provider says it has not verified', async () => {
    provider.setClaims('bob@acme.test', { email_verified: false });
    try {
      const { browser, authorizationUrl } = await startSignIn();
      const callback = await provider.completeLogin(authorizationUrl, 'bob@acme.test');
      const back = await fetch(callback, { redirect: 'manual', headers: { cookie: cookieHeader(browser) } });
      expect(back.headers.get('location')).toBe('/console/?signInError=unverified_email');
      expect(back.headers.getSetCookie().some((cookie) => cookie.startsWith('aperture_console='))).toBe(
        false,
      );
    } finally {
      provider.setClaims('bob@acme.test', {});
    }
  });

  it('maps people by subject when configured so', async () => {
    await db.prisma.person.update({ where: { email: 'bob@acme.test' }, data: { subject: 'bob@acme.test' } });
    const bySubject = await startTestService(db, {
      env: { APERTURE_CONSOLE_OIDC: provider.consoleSetting({ claim: 'sub', scopes: ['openid'] }) },
    });
    try {
      provider.allowRedirect(`${bySubject.url}/console/api/oidc/callback`);
      const bob = await signInThroughOidc(bySubject.url, provider, 'bob@acme.test');
      expect((await consoleGraphql(bySubject.url, bob, viewerQuery)).data).toEqual({
        viewer: { kind: 'HUMAN', human: { email: 'bob@acme.test' } },
      });
      // Ana has no subject: the provider's account of her names nobody here.
      await expect(signInThroughOidc(bySubject.url, provider, 'ana@acme.test')).rejects.toThrow(
        /unknown_person/,
      );
    } finally {
      await bySubject.stop();
    }
  });

  it('refuses addresses outside allowedEmailDomains, though the person exists', async () => {
    const partnersOnly = await startTestService(db, {
      env: { APERTURE_CONSOLE_OIDC: provider.consoleSetting({ allowedEmailDomains: ['partner.example'] }) },
    });
    const acmeOnly = await startTestService(db, {
      env: { APERTURE_CONSOLE_OIDC: provider.consoleSetting({ allowedEmailDomains: ['ACME.test'] }) },
    });
    try {
      provider.allowRedirect(`${partnersOnly.url}/console/api/oidc/callback`);
      provider.allowRedirect(`${acmeOnly.url}/console/api/oidc/callback`);
      const sessionsBefore = await db.prisma.consoleSession.count();
      await expect(signInThroughOidc(partnersOnly.url, provider, 'ana@acme.test')).rejects.toThrow(
        '/console/?signInError=email_domain_refused',
      );
      expect(await db.prisma.consoleSession.count()).toBe(sessionsBefore);
      // The domain is compared whatever its case; an unverified address stays refused.
      const ana = await signInThroughOidc(acmeOnly.url, provider, 'ana@acme.test');
      expect((await consoleGraphql(acmeOnly.url, ana, viewerQuery)).data).toEqual({
        viewer: { kind: 'HUMAN', human: { email: 'ana@acme.test' } },
      });
      provider.setClaims('bob@acme.test', { email_verified: false });
      await expect(signInThroughOidc(acmeOnly.url, provider, 'bob@acme.test')).rejects.toThrow(
        'signInError=unverified_email',
      );
    } finally {
      provider.setClaims('bob@acme.test', {});
      await partnersOnly.stop();
      await acmeOnly.stop();
    }
  });

  it('over https, the pending sign-in is a __Host- cookie, and one planted under the plain name is no sign-in', async () => {
    const behindTls = await startTestService(db, {
      env: {
        APERTURE_CONSOLE_OIDC: provider.consoleSetting(),
        APERTURE_PUBLIC_URL: 'https://aperture.example',
      },
    });
    try {
      provider.allowRedirect('https://aperture.example/console/api/oidc/callback');
      const signInOnce = async (rename: (cookie: string) => string) => {
        const start = await fetch(`${behindTls.url}/console/api/oidc/start`, { redirect: 'manual' });
        const [pending] = start.headers.getSetCookie();
        expect(pending).toMatch(
          /^__Host-aperture_console_oidc=[\w-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/,
        );
        const callback = new URL(
          await provider.completeLogin(start.headers.get('location')!, 'ana@acme.test'),
        );
        return fetch(`${behindTls.url}${callback.pathname}${callback.search}`, {
          redirect: 'manual',
          headers: { cookie: rename(pending!.split(';')[0]!) },
        });
      };
      // What a sibling subdomain could set: the same values under the name without the prefix.
      const planted = await signInOnce((cookie) => cookie.replace(/^__Host-/, ''));
      expect(planted.headers.get('location')).toBe('/console/?signInError=sign_in_expired');
      expect(planted.headers.getSetCookie().some((cookie) => cookie.includes('aperture_console='))).toBe(
        false,
      );
      const kept = await signInOnce((cookie) => cookie);
      expect(kept.headers.get('location')).toBe('/console/');
      expect(kept.headers.getSetCookie()).toEqual([
        '__Host-aperture_console_oidc=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
        expect.stringMatching(
          /^__Host-aperture_console=[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/,
        ),
      ]);
    } finally {
      await behindTls.stop();
    }
  });

  it('a new sign-in ends the session the browser still has', async () => {
    const ana = await signInThroughOidc(service.url, provider, 'ana@acme.test');
    const anaId = (await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } })).id;
    const before = await db.prisma.consoleSession.count({ where: { personId: anaId } });
    // The page sends the browser to start; the provider's answer comes back cross-site, without
    // the Strict session cookie, so the start is where the old session ends.
    const start = await fetch(`${service.url}/console/api/oidc/start`, {
      redirect: 'manual',
      headers: { cookie: ana.cookie },
    });
    expect(start.status).toBe(302);
    expect(await db.prisma.consoleSession.count({ where: { personId: anaId } })).toBe(before - 1);
    expect((await consoleGraphql(service.url, ana, viewerQuery)).status).toBe(401);
  });

  it.each([
    'https://evil.example/console/',
    '//evil.example/console/',
    '/\\evil.example/console/',
    '/console/../graphql',
    '/console/api/sign-out',
    'javascript:alert(1)',
    '/graphql',
  ])('refuses returnTo %s: no open redirect', async (returnTo) => {
    const start = await fetch(
      `${service.url}/console/api/oidc/start?returnTo=${encodeURIComponent(returnTo)}`,
      {
        redirect: 'manual',
      },
    );
    expect({ status: start.status, body: await start.json() }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'returnTo must be a path of the console (/console/...)',
            extensions: { code: 'INVALID_INPUT' },
          },
        ],
      },
    });
    expect(start.headers.getSetCookie()).toEqual([]);
  });

  it('says how to sign in to a browser with no session, and clears a stale cookie', async () => {
    const none = await fetch(`${service.url}/console/api/session`);
    expect({ status: none.status, body: await none.json() }).toEqual({
      status: 401,
      body: { signInMethods: ['oidc'] },
    });
    const stale = await fetch(`${service.url}/console/api/session`, {
      headers: { cookie: `aperture_console=${'x'.repeat(43)}` },
    });
    expect(stale.status).toBe(401);
    expect(stale.headers.getSetCookie()).toEqual([
      'aperture_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict',
    ]);
  });

  it('development sign-in is not found outside development', async () => {
    const people = await fetch(`${service.url}/console/api/dev/people`);
    const signIn = await fetch(`${service.url}/console/api/dev/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'gina@acme.test' }),
    });
    expect([people.status, signIn.status]).toEqual([404, 404]);
    expect(signIn.headers.getSetCookie()).toEqual([]);
  });
});

describe('sign-out', () => {
  const signOut = (cookie: string, csrfToken?: string) =>
    fetch(`${service.url}/console/api/sign-out`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie,
        ...(csrfToken ? { 'x-aperture-csrf': csrfToken } : {}),
      },
      body: '{}',
    });

  it('needs the CSRF header: without it (or with another) the session holds', async () => {
    const signIn = await signInThroughOidc(service.url, provider, 'ana@acme.test');
    for (const forged of [undefined, 'not-the-token']) {
      const refused = await signOut(signIn.cookie, forged);
      expect(refused.status).toBe(403);
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
    expect((await consoleGraphql(service.url, signIn, viewerQuery)).data).toEqual({
      viewer: { kind: 'HUMAN', human: { email: 'ana@acme.test' } },
    });
  });

  it('ends the session everywhere and clears the cookie', async () => {
    const signIn = await signInThroughOidc(service.url, provider, 'ana@acme.test');
    const done = await signOut(signIn.cookie, signIn.csrfToken);
    expect(done.status).toBe(204);
    expect(done.headers.getSetCookie()).toEqual([
      'aperture_console=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict',
    ]);
    expect(await consoleGraphql(service.url, signIn, viewerQuery)).toEqual({
      status: 401,
      errors: [
        {
          message: 'the console session has ended: sign in again',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    const session = await fetch(`${service.url}/console/api/session`, { headers: { cookie: signIn.cookie } });
    expect(session.status).toBe(401);
  });

  it('signing in and out are in the audit log, through the console', async () => {
    const ana = await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } });
    const events = await db.prisma.auditEvent.findMany({
      where: { type: { startsWith: 'console.' }, actorHumanId: ana.id },
      orderBy: { id: 'desc' },
      take: 2,
    });
    expect(events.map(({ type, payload }) => ({ type, payload }))).toEqual([
      { type: 'console.signed_out', payload: { via: { name: 'console', client: null } } },
      {
        type: 'console.signed_in',
        payload: {
          signedInVia: provider.issuer,
          expiresAt: expect.any(String),
          via: { name: 'console', client: null },
        },
      },
    ]);
  });
});
