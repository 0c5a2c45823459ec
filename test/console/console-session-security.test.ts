import { describe, expect, it } from 'vitest';
import { notifyChange } from '../../src/db/change-feed.ts';
import { consoleGraphql } from '../support/console-client.ts';
import { graphql } from '../support/graphql-client.ts';
import {
  cookieHeader,
  keepCookies,
  LocalOidcProvider,
  signInThroughOidc,
} from '../support/local-oidc-provider.ts';
import { fileRoutedRequest, useRequestWorld } from '../support/requests-fixture.ts';

/**
 * The console's session cookie from the attacker's side: another site's page (no CSRF header),
 * a forged header, a person deactivated mid-session, an agent trying to get a session. Against
 * the real service with the request company, and a real OpenID provider on loopback.
 */
let provider: LocalOidcProvider;
const t = useRequestWorld(
  () => ({ APERTURE_CONSOLE_OIDC: provider.consoleSetting() }),
  async () => {
    provider = await LocalOidcProvider.start();
  },
);
const url = () => t.world.service.url;

async function signIn(email: string) {
  provider.allowRedirect(`${url()}/console/api/oidc/callback`);
  return signInThroughOidc(url(), provider, email);
}

const viewerQuery = '{ viewer { kind human { email } } }';
const createIntent = 'mutation ($input: IntentInput!) { createIntent(input: $input) { name } }';
const intentInput = (name: string) => ({ name, description: 'From the console', allowedTiers: ['DISCOVER'] });

const refusedWithoutCsrf = {
  status: 401,
  errors: [
    {
      message:
        "a call with the console's session cookie must carry its CSRF token in the x-aperture-csrf header",
      extensions: { code: 'UNAUTHENTICATED' },
    },
  ],
};

describe('CSRF: a cookie alone authenticates nothing', () => {
  it('a mutation with the cookie but no CSRF header is refused, and nothing changes', async () => {
    const gina = await signIn('gina@acme.test');
    const forged = await consoleGraphql(
      url(),
      gina,
      createIntent,
      { input: intentInput('forged') },
      {
        csrfToken: null,
      },
    );
    expect(forged).toEqual(refusedWithoutCsrf);
    expect(await t.db.prisma.intent.findUnique({ where: { name: 'forged' } })).toBeNull();
    expect(
      await t.db.prisma.auditEvent.count({ where: { type: 'intent.created', subjectId: 'forged' } }),
    ).toBe(0);
  });

  it("a wrong CSRF header (another session's, or a guess) is refused, queries too", async () => {
    const gina = await signIn('gina@acme.test');
    const ana = await signIn('ana@acme.test');
    const oneOff = `${gina.csrfToken.slice(0, -1)}${gina.csrfToken.endsWith('A') ? 'B' : 'A'}`;
    for (const csrfToken of [ana.csrfToken, oneOff, '']) {
      expect(
        await consoleGraphql(url(), gina, createIntent, { input: intentInput('forged') }, { csrfToken }),
      ).toEqual(refusedWithoutCsrf);
    }
    expect(await consoleGraphql(url(), gina, viewerQuery, {}, { csrfToken: null })).toEqual(
      refusedWithoutCsrf,
    );
    expect(await t.db.prisma.intent.findUnique({ where: { name: 'forged' } })).toBeNull();
  });

  it('with the header, the person acts, and the audit log says it came through the console', async () => {
    const gina = await signIn('gina@acme.test');
    expect(await consoleGraphql(url(), gina, createIntent, { input: intentInput('from-console') })).toEqual({
      status: 200,
      data: { createIntent: { name: 'from-console' } },
    });
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'intent.created' },
      orderBy: { id: 'desc' },
    });
    expect(event.payload).toMatchObject({ via: { name: 'console', client: null } });
  });

  it('a bearer token always wins over the cookie (agents and scripts are unchanged)', async () => {
    const ana = await signIn('ana@acme.test');
    const bobsToken = await t.world.humanToken('bob@acme.test');
    expect(
      await consoleGraphql(url(), ana, viewerQuery, {}, { authorization: `Bearer ${bobsToken}` }),
    ).toEqual({ status: 200, data: { viewer: { kind: 'HUMAN', human: { email: 'bob@acme.test' } } } });
    const garbage = await consoleGraphql(url(), ana, viewerQuery, {}, { authorization: 'Bearer not.a.jwt' });
    expect(garbage.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A call with a bearer token is the graphql channel's, cookie or not.
    const gina = await signIn('gina@acme.test');
    const ginasToken = await t.world.humanToken('gina@acme.test');
    await consoleGraphql(
      url(),
      gina,
      createIntent,
      { input: intentInput('by-token') },
      {
        authorization: `Bearer ${ginasToken}`,
      },
    );
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'intent.created' },
      orderBy: { id: 'desc' },
    });
    expect(event.payload).toMatchObject({ via: { name: 'graphql' } });
  });
});

describe('sessions end with the person', () => {
  it('deactivating the person ends their session at the next request, and its row is gone', async () => {
    const mark = await signIn('mark@acme.test');
    expect((await consoleGraphql(url(), mark, viewerQuery)).status).toBe(200);
    const person = await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'mark@acme.test' } });
    expect(await t.db.prisma.consoleSession.count({ where: { personId: person.id } })).toBe(1);
    // What a people import does when a person leaves: inactive, and every replica told.
    await t.db.prisma.$transaction(async (tx) => {
      await tx.person.update({ where: { id: person.id }, data: { active: false } });
      await notifyChange(tx, 'people');
    });
    try {
      expect(await consoleGraphql(url(), mark, viewerQuery)).toEqual({
        status: 401,
        errors: [
          {
            message: 'the console session has ended: sign in again',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
      expect(await t.db.prisma.consoleSession.count({ where: { personId: person.id } })).toBe(0);
      // Nor can they sign in again while inactive.
      const again = await signIn('mark@acme.test').catch((error: Error) => error);
      expect(again).toBeInstanceOf(Error);
    } finally {
      await t.db.prisma.$transaction(async (tx) => {
        await tx.person.update({ where: { id: person.id }, data: { active: true } });
        await notifyChange(tx, 'people');
      });
    }
  });
});

/** Follows `accessRequestUpdated` over server-sent events as the console page would; resolves the payloads when the server ends it. */
async function followAsConsole(signIn: { cookie: string; csrfToken: string }, id: string) {
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      cookie: signIn.cookie,
      'x-aperture-csrf': signIn.csrfToken,
    },
    body: JSON.stringify({
      query: 'subscription ($id: ID!) { accessRequestUpdated(id: $id) { status } }',
      variables: { id },
    }),
  });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: unknown[] = [];
  const ended = (async () => {
    const reader = response.body!.getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return events;
      buffer += new TextDecoder().decode(value);
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('');
        if (data) events.push(JSON.parse(data));
      }
    }
  })();
  return { events, ended };
}

const within = <T>(promise: Promise<T>, ms = 5_000) =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)),
  ]);

describe('a stream opened by a console session lasts as long as the session', () => {
  it('signing out ends it', async () => {
    const id = await fileRoutedRequest(t.world, await t.world.agentToken('ana@acme.test'));
    const ana = await signIn('ana@acme.test');
    const stream = await followAsConsole(ana, id);
    await expect.poll(() => stream.events.length).toBe(1);
    const out = await fetch(`${url()}/console/api/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: ana.cookie, 'x-aperture-csrf': ana.csrfToken },
      body: '{}',
    });
    expect(out.status).toBe(204);
    expect(await within(stream.ended)).toEqual([
      { data: { accessRequestUpdated: { status: 'PENDING' } } },
      {
        errors: [
          expect.objectContaining({
            message: 'the console session has ended: sign in again',
            extensions: { code: 'UNAUTHENTICATED' },
          }),
        ],
      },
    ]);
  });
});

describe('agents never get a console session', () => {
  it('no route takes a delegation token for a session, and the provider cannot name an agent', async () => {
    const agentToken = await t.world.agentToken('ana@acme.test');
    const sessionsBefore = await t.db.prisma.consoleSession.count();
    const bearer = { authorization: `Bearer ${agentToken}` };
    const session = await fetch(`${url()}/console/api/session`, { headers: bearer });
    expect(session.status).toBe(401);
    const devSignIn = await fetch(`${url()}/console/api/dev/sign-in`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@acme.test' }),
    });
    expect(devSignIn.status).toBe(404);
    const viaGraphql = await graphql(t.world.service.graphqlUrl, viewerQuery, {}, agentToken);
    expect(viaGraphql.data).toEqual({ viewer: { kind: 'AGENT', human: { email: 'ana@acme.test' } } });
    for (const response of [session, devSignIn]) expect(response.headers.getSetCookie()).toEqual([]);

    // An agent's client id at the identity provider maps to no person.
    provider.allowRedirect(`${url()}/console/api/oidc/callback`);
    const browser = new Map<string, string>();
    const start = await fetch(`${url()}/console/api/oidc/start`, { redirect: 'manual', headers: bearer });
    keepCookies(browser, start);
    const callback = await provider.completeLogin(
      start.headers.get('location')!,
      t.world.agentClientId('SQL agent'),
    );
    const back = await fetch(callback, { redirect: 'manual', headers: { cookie: cookieHeader(browser) } });
    expect(back.headers.get('location')).toBe('/console/?signInError=unknown_person');
    expect(back.headers.getSetCookie().some((cookie) => cookie.startsWith('aperture_console='))).toBe(false);
    expect(await t.db.prisma.consoleSession.count()).toBe(sessionsBefore);
  });
});

describe('requests from other sites', () => {
  it('a cross-origin page cannot sign out or read the session', async () => {
    const ana = await signIn('ana@acme.test');
    const headers = { cookie: ana.cookie, origin: 'https://evil.example' };
    const read = await fetch(`${url()}/console/api/session`, { headers });
    const out = await fetch(`${url()}/console/api/sign-out`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'x-aperture-csrf': ana.csrfToken },
      body: '{}',
    });
    expect([read.status, out.status]).toEqual([403, 403]);
    // A form post (no preflight) is refused before any handler reads it.
    const form = await fetch(`${url()}/console/api/sign-out`, {
      method: 'POST',
      headers: { cookie: ana.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(form.status).toBe(415);
    expect((await consoleGraphql(url(), ana, viewerQuery)).status).toBe(200);
  });
});
