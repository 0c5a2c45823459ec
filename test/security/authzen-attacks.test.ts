import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeToken } from '../support/oauth-client.ts';
import { requestAccessMutation } from '../support/requests-fixture.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { logLevels, useSurfaceWorld } from './support/surface-world.ts';

/**
 * The AuthZEN door (/access/v1) from the attacker's side, on the request company: Ana (a finance
 * analyst) through her agents, Bob (an engineer). Callers are registered PEP clients; the subjects
 * they name are proven by the tokens they forward; a hidden object answers exactly like a missing
 * one through every endpoint; page tokens and denial bindings work only for whom they were issued.
 * Restricted data is hidden from everyone (raw.shop.customers, the customers snapshot, the email
 * columns); confidential data is discoverable and requestable (analytics.marts.customers). The
 * service's own log is read at the end: refusals are calm lines, and no secret or token is in it.
 */
const t = useSurfaceWorld();

const ana = 'ana@acme.test';
const bob = 'bob@acme.test';
const paths = {
  evaluation: '/access/v1/evaluation',
  evaluations: '/access/v1/evaluations',
  search: '/access/v1/search/resource',
  requests: '/access/v1/requests',
} as const;

/** Objects nobody may discover, of each kind, and the requestable mart. */
const hiddenPaths = [
  { type: 'dataset', id: 'raw.shop.customers' },
  { type: 'dataset', id: 'analytics.snapshots.customers_snapshot' },
  { type: 'column', id: 'analytics.marts.customers.email' },
  { type: 'column', id: 'analytics.staging.stg_customers.email' },
] as const;
const mart = { type: 'dataset', id: 'analytics.marts.customers' } as const;
const publicSeed = { type: 'dataset', id: 'analytics.staging.country_codes' } as const;

interface Reply {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected loosely, as a PEP would
  body: any;
  headers: Headers;
}

interface Pep {
  clientId: string;
  clientSecret: string;
}

const basic = (clientId: string, clientSecret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
const basicOf = (pep: Pep) => basic(pep.clientId, pep.clientSecret);

/**
 * An HTTP call to the service from a local address of our choosing (any of 127/8 reaches it): the
 * door throttles failed client authentications per address, so each attack that fails on purpose
 * comes from its own address and the honest calls of the other tests from 127.0.0.1.
 */
function send(
  method: 'GET' | 'POST',
  path: string,
  authorization: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
  from = '127.0.0.1',
): Promise<Reply> {
  const url = new URL(`${t.world.service.url}${path}`);
  // A string is sent as it is (a body that is not JSON); anything else as JSON.
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        localAddress: from,
        headers: {
          ...(authorization !== null ? { authorization } : {}),
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const answered = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) answered.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve({ status: response.statusCode ?? 0, text, body: parsed, headers: answered });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

const post = (
  pep: Pep | string | null,
  path: string,
  body: unknown,
  headers?: Record<string, string>,
  from?: string,
) => send('POST', path, typeof pep === 'string' || pep === null ? pep : basicOf(pep), body, headers, from);

async function governance<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = (await t.world.governance.run(query, variables)) as { data?: T; errors?: unknown };
  expect(result.errors).toBeUndefined();
  return result.data!;
}

/** Every client secret this file saw: none may reach the log. */
const secrets = new Set<string>();

async function registerPep(name: string): Promise<Pep> {
  const data = await governance<{
    registerPepClient: { clientSecret: string; pepClient: { clientId: string } };
  }>(
    'mutation ($name: String!) { registerPepClient(input: { name: $name }) { clientSecret pepClient { clientId } } }',
    {
      name,
    },
  );
  return {
    clientId: data.registerPepClient.pepClient.clientId,
    clientSecret: data.registerPepClient.clientSecret,
  };
}

const subjectOf = (email: string, token: string, extra: Record<string, unknown> = {}) => ({
  type: 'user',
  id: email,
  properties: { token, ...extra },
});

const evaluationOf = (subject: unknown, resource: { type: string; id: string }, action = 'read') => ({
  subject,
  action: { name: action },
  resource,
});

/** The whole database state an AuthZEN call could change. */
async function requestState(): Promise<string> {
  const { prisma } = t.db;
  return JSON.stringify({
    requests: await prisma.accessRequest.findMany({ orderBy: { id: 'asc' } }),
    grants: await prisma.grant.findMany({ orderBy: { id: 'asc' } }),
    tasks: await prisma.pepTask.findMany({ orderBy: { requestId: 'asc' } }),
  });
}

let gateway: Pep;
let otherGateway: Pep;
let anaAgent: string;

beforeAll(async () => {
  gateway = await registerPep('attacked gateway');
  otherGateway = await registerPep('another gateway');
  anaAgent = await t.world.agentToken(ana);
});

// ---- PEP authentication -------------------------------------------------------------------------

describe('PEP client authentication', () => {
  const body = () => evaluationOf(subjectOf(ana, anaAgent), publicSeed);

  it('a valid client is answered (the control for every refusal below)', async () => {
    const reply = await post(gateway, paths.evaluation, body());
    expect(reply.status).toBe(200);
    expect(reply.body.decision).toBe(true);
  });

  it('no credentials: 401 asking for HTTP Basic, on every endpoint, before the body is read', async () => {
    const required = {
      error: 'unauthorized',
      message: 'client authentication is required: send the PEP client id and secret with HTTP Basic',
    };
    for (const path of [paths.evaluation, paths.evaluations, paths.search, paths.requests]) {
      const reply = await post(null, path, body(), {}, '127.0.0.11');
      expect(reply.status, path).toBe(401);
      expect(reply.body).toEqual(required);
      expect(reply.headers.get('www-authenticate')).toBe('Basic realm="aperture authzen"');
      // A body that does not even parse is not looked at before the caller is known.
      expect(
        (await send('POST', path, null, undefined, { 'content-type': 'application/json' }, '127.0.0.11'))
          .status,
      ).toBe(401);
    }
    const task = await send('GET', `${paths.requests}/${randomUUID()}`, null, undefined, {}, '127.0.0.11');
    expect(task.status).toBe(401);
    expect(task.body).toEqual(required);
  });

  it('an unknown client id answers exactly like a wrong secret, and so do an agent’s credentials', async () => {
    const wrongSecret = await post(
      basic(gateway.clientId, `${gateway.clientSecret}x`),
      paths.evaluation,
      body(),
      {},
      '127.0.0.12',
    );
    const unknownId = await post(
      basic(`pep_${randomUUID()}`, gateway.clientSecret),
      paths.evaluation,
      body(),
      {},
      '127.0.0.12',
    );
    const agent = await t.world.agentCredentials('SQL agent');
    const agentAsPep = await post(
      basic(agent.clientId, agent.clientSecret),
      paths.evaluation,
      body(),
      {},
      '127.0.0.12',
    );
    const swapped = await post(
      basic(otherGateway.clientId, gateway.clientSecret),
      paths.evaluation,
      body(),
      {},
      '127.0.0.12',
    );
    for (const reply of [wrongSecret, unknownId, agentAsPep, swapped]) {
      expect(reply.status).toBe(401);
      expect(reply.text).toBe(wrongSecret.text);
      expect(reply.headers.get('www-authenticate')).toBe(wrongSecret.headers.get('www-authenticate'));
    }
    expect(wrongSecret.body).toEqual({ error: 'unauthorized', message: 'client authentication failed' });
  });

  it('garbage in the Authorization header is a 401, never a 500 and never a decision', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const garbage = [
      'Basic',
      'Basic ',
      'Basic !!!not base64!!!',
      `Basic ${b64('no colon at all')}`,
      `Basic ${b64(':')}`,
      `Basic ${b64(`${gateway.clientId}:`)}`,
      `Basic ${b64(`:${gateway.clientSecret}`)}`,
      `Basic ${b64('%zz:%zz')}`,
      `Basic ${b64(`${gateway.clientId}:${gateway.clientSecret}`.replace(/./g, 'A'))}`,
      `Basic ${b64(`${'x'.repeat(5000)}:${'y'.repeat(5000)}`)}`,
      `Bearer ${anaAgent}`,
      `Digest username="${gateway.clientId}"`,
      `${basicOf(gateway).slice(0, -4)}`,
    ];
    for (const authorization of garbage) {
      const reply = await post(authorization, paths.evaluation, body(), {}, '127.0.0.13');
      expect(reply.status, authorization.slice(0, 60)).toBe(401);
      expect(reply.body.error).toBe('unauthorized');
      expect(reply.body).not.toHaveProperty('decision');
    }
  });

  it('a rotated-away secret, a suspended client and a retired client are refused at their next call', async () => {
    const pep = await registerPep('short-lived gateway');
    const failed = { error: 'unauthorized', message: 'client authentication failed' };
    expect((await post(pep, paths.evaluation, body(), {}, '127.0.0.14')).status).toBe(200);

    const rotated = await governance<{ rotatePepClientSecret: { clientSecret: string } }>(
      'mutation ($id: String!) { rotatePepClientSecret(clientId: $id) { clientSecret } }',
      { id: pep.clientId },
    );
    const old = await post(pep, paths.evaluation, body(), {}, '127.0.0.14');
    expect(old.status).toBe(401);
    expect(old.body).toEqual(failed);
    const renewed = { clientId: pep.clientId, clientSecret: rotated.rotatePepClientSecret.clientSecret };
    secrets.add(renewed.clientSecret);
    expect((await post(renewed, paths.evaluation, body(), {}, '127.0.0.14')).status).toBe(200);

    await governance(
      'mutation ($id: String!) { suspendPepClient(clientId: $id, reason: "leaked") { status } }',
      {
        id: pep.clientId,
      },
    );
    for (const path of [paths.evaluation, paths.evaluations, paths.search, paths.requests]) {
      const reply = await post(renewed, path, body(), {}, '127.0.0.14');
      expect(reply.status, path).toBe(401);
      expect(reply.body).toEqual(failed);
    }
    await governance('mutation ($id: String!) { reactivatePepClient(clientId: $id) { status } }', {
      id: pep.clientId,
    });
    expect((await post(renewed, paths.evaluation, body(), {}, '127.0.0.14')).status).toBe(200);

    await governance('mutation ($id: String!) { retirePepClient(clientId: $id) { status } }', {
      id: pep.clientId,
    });
    const retired = await post(renewed, paths.evaluation, body(), {}, '127.0.0.14');
    expect(retired.status).toBe(401);
    expect(retired.body).toEqual(failed);
    // Retired is for good: reactivating it is refused, and it stays refused.
    const back = (await t.world.governance.run(
      'mutation ($id: String!) { reactivatePepClient(clientId: $id) { status } }',
      { id: pep.clientId },
    )) as { errors?: { extensions?: { code?: string } }[] };
    expect(back.errors?.[0]?.extensions?.code).toBeDefined();
    expect((await post(renewed, paths.evaluation, body(), {}, '127.0.0.14')).status).toBe(401);
  });
  it('failed authentications are throttled per address: past 30 a minute, a 429 with Retry-After before any secret is hashed; a PEP verified recently is still served', async () => {
    const attacker = '127.0.0.20';
    const guess = () => post(basic(gateway.clientId, randomUUID()), paths.evaluation, body(), {}, attacker);
    let refused = 0;
    let throttled = await guess();
    while (throttled.status === 401 && refused < 40) {
      refused += 1;
      throttled = await guess();
    }
    // About 30 guesses a minute (the failure that crosses the limit may still be answered).
    expect(refused).toBeGreaterThanOrEqual(30);
    expect(refused).toBeLessThanOrEqual(31);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.body).toEqual({
      error: 'too_many_requests',
      message: expect.stringMatching(/failed client authentications/),
    });
    // A PEP whose secret was verified recently pays no hash, so it is still served from that
    // address: a guesser sharing it (a NAT, a gateway host) cannot lock it out.
    expect((await post(gateway, paths.evaluation, body(), {}, attacker)).status).toBe(200);
    // Any secret that would have to be hashed waits, the right one too: the guesser learns nothing
    // more this minute.
    const registered = (await t.world.governance.run(
      'mutation { registerPepClient(input: { name: "throttled newcomer" }) { clientSecret pepClient { clientId } } }',
    )) as { data?: Record<string, unknown> };
    const { pepClient, clientSecret } = registered.data!.registerPepClient as {
      clientSecret: string;
      pepClient: { clientId: string };
    };
    const newcomer = basic(pepClient.clientId, clientSecret);
    const right = await post(newcomer, paths.evaluation, body(), {}, attacker);
    expect(right.status).toBe(429);
    expect(right.body).not.toHaveProperty('decision');
    // Other addresses are not held up.
    expect((await post(gateway, paths.evaluation, body(), {}, '127.0.0.21')).status).toBe(200);
    expect((await post(gateway, paths.evaluation, body())).status).toBe(200);
  });
});

// ---- forged subjects ----------------------------------------------------------------------------

describe('forged subjects', () => {
  let bobAgent: string;
  let bobHuman: string;
  let anaHuman: string;
  let untrusted: TestIdentityProvider;

  beforeAll(async () => {
    bobAgent = await t.world.agentToken(bob);
    bobHuman = await t.world.humanToken(bob);
    anaHuman = await t.world.humanToken(ana);
    untrusted = await TestIdentityProvider.create();
  });

  const agentClientId = () => t.world.agentClientId('SQL agent');

  /** What a PEP could forward that does not prove Ana, each with the token it carries. */
  const forgeries: [string, () => Promise<Record<string, unknown>>][] = [
    ['Ana named, Bob’s delegation token', async () => subjectOf(ana, bobAgent)],
    ['Ana named, Bob’s own token', async () => subjectOf(ana, bobHuman)],
    [
      'Ana named by her person id, Bob’s token',
      async () => {
        const person = await t.db.prisma.person.findUniqueOrThrow({ where: { email: ana } });
        return subjectOf(person.id, bobAgent);
      },
    ],
    ['a token that is no JWT', async () => subjectOf(ana, 'not.a.token')],
    ['two tokens smuggled into one', async () => subjectOf(ana, `${bobAgent}, Bearer ${anaAgent}`)],
    [
      'her delegation token issued for the MCP endpoint (another audience)',
      async () => subjectOf(ana, await t.world.agentToken(ana, { resource: `${t.world.service.url}/mcp` })),
    ],
    ['her own token, expired', async () => subjectOf(ana, await t.idp.token(ana, { expiresInSeconds: -5 }))],
    [
      'a token of an untrusted issuer',
      async () => subjectOf(ana, await t.idp.token(ana, { issuer: 'https://idp.evil.example' })),
    ],
    [
      'a token signed by an identity provider aperture does not know',
      async () => subjectOf(ana, await untrusted.token(ana)),
    ],
    [
      'the token she hands an agent (only for the exchange)',
      async () => subjectOf(ana, await t.idp.subjectToken(ana)),
    ],
    [
      'an intent the token does not carry',
      async () => subjectOf(ana, anaAgent, { intent: 'fraud-investigation' }),
    ],
    ['an intent claimed for her own token', async () => subjectOf(ana, anaHuman, { intent: 'analytics' })],
    [
      'an act naming another agent',
      async () => subjectOf(ana, anaAgent, { act: { sub: 'agent_someone_else' } }),
    ],
    [
      'an act with one hop too many',
      async () => subjectOf(ana, anaAgent, { act: { sub: agentClientId(), act: { sub: agentClientId() } } }),
    ],
    [
      'an act claimed for her own token',
      async () => subjectOf(ana, anaHuman, { act: { sub: agentClientId() } }),
    ],
    ['an act that is not an object', async () => subjectOf(ana, anaAgent, { act: 'sql-agent' })],
  ];

  it('the controls: her own tokens, with the act and intent they carry, are verified', async () => {
    for (const subject of [
      subjectOf(ana, anaAgent),
      subjectOf(ana.toUpperCase(), anaAgent),
      subjectOf(ana, anaAgent, { intent: 'analytics', act: { sub: agentClientId() } }),
      subjectOf(ana, anaHuman),
    ]) {
      const reply = await post(gateway, paths.evaluation, evaluationOf(subject, publicSeed));
      expect(reply.status).toBe(200);
      expect(reply.body.decision, JSON.stringify(subject.properties).slice(0, 80)).toBe(true);
    }
  });

  it.each(forgeries)(
    '%s: decision false (subject_not_verified), a 403 search, nothing named',
    async (_name, forge) => {
      const subject = await forge();
      const token = (subject.properties as { token: string }).token;
      const before = await requestState();
      // The same refusal for what she may read, what she may not, and what does not exist.
      const answers = [];
      for (const resource of [
        publicSeed,
        mart,
        hiddenPaths[0],
        { type: 'dataset', id: 'analytics.nowhere.at_all' },
      ]) {
        const reply = await post(gateway, paths.evaluation, evaluationOf(subject, resource));
        expect(reply.status).toBe(200);
        answers.push(reply.text);
      }
      expect(new Set(answers).size).toBe(1);
      const refusal = JSON.parse(answers[0]!);
      expect(refusal).toMatchObject({
        decision: false,
        context: { reason: 'subject_not_verified', error: { status: 403 } },
      });
      expect(Object.keys(refusal.context).sort()).toEqual(['error', 'reason']);
      const batch = await post(gateway, paths.evaluations, {
        subject,
        action: { name: 'discover' },
        evaluations: [{ resource: publicSeed }, { resource: mart }],
      });
      expect(batch.status).toBe(200);
      expect(
        batch.body.evaluations.map((decision: { context: { reason: string } }) => decision.context.reason),
      ).toEqual(['subject_not_verified', 'subject_not_verified']);
      const search = await post(gateway, paths.search, {
        subject,
        action: { name: 'discover' },
        resource: { type: 'dataset' },
      });
      expect(search.status).toBe(403);
      expect(search.body).toEqual({ error: 'forbidden', message: refusal.context.error.message });
      expect(search.text).not.toContain('analytics.');
      for (const text of [answers[0]!, batch.text, search.text]) {
        // Who the token really names, its claims and the token itself stay out of every answer.
        expect(text).not.toContain(bob);
        expect(text).not.toContain('Bob');
        expect(text).not.toContain(token.slice(0, 30));
        expect(text).not.toContain('engineering');
      }
      expect(await requestState()).toBe(before);
    },
  );

  it('in one boxcar, each item’s subject is verified on its own: a forged one borrows nothing from a verified one', async () => {
    const verified = subjectOf(ana, anaAgent);
    const forged = [
      subjectOf(ana, anaAgent, { intent: 'fraud-investigation' }),
      subjectOf(ana, anaAgent, { act: { sub: 'agent_someone_else' } }),
      subjectOf(ana, bobAgent),
      subjectOf(bob, anaAgent),
    ];
    for (const semantic of ['execute_all', 'permit_on_first_permit']) {
      const reply = await post(gateway, paths.evaluations, {
        subject: verified,
        action: { name: 'read' },
        resource: publicSeed,
        evaluations: [{}, ...forged.map((subject) => ({ subject })), {}],
        options: { evaluations_semantic: semantic },
      });
      expect(reply.status).toBe(200);
      const reasons = reply.body.evaluations.map(
        (decision: { decision: boolean; context?: { reason?: string } }) =>
          decision.decision ? 'permitted' : decision.context?.reason,
      );
      expect(reasons).toEqual(
        semantic === 'execute_all'
          ? ['permitted', ...forged.map(() => 'subject_not_verified'), 'permitted']
          : ['permitted'],
      );
    }
    // The forged items first, the verified one last: still one answer each.
    const reversed = await post(gateway, paths.evaluations, {
      action: { name: 'read' },
      resource: publicSeed,
      evaluations: [...forged, verified].map((subject) => ({ subject })),
    });
    expect(reversed.body.evaluations.map((decision: { decision: boolean }) => decision.decision)).toEqual([
      ...forged.map(() => false),
      true,
    ]);
  });

  it('a subject with no token, an empty one or another type is a 400 naming what is missing', async () => {
    for (const subject of [
      { type: 'user', id: ana },
      { type: 'user', id: ana, properties: {} },
      { type: 'user', id: ana, properties: { token: '' } },
      { type: 'agent', id: 'SQL agent', properties: { token: anaAgent } },
      { type: 'user', id: '', properties: { token: anaAgent } },
    ]) {
      const reply = await post(gateway, paths.evaluation, evaluationOf(subject, publicSeed));
      expect(reply.status, JSON.stringify(subject).slice(0, 80)).toBe(400);
      expect(reply.body.error).toBe('bad_request');
      expect(reply.body.message).toMatch(/subject/);
      expect(reply.text).not.toContain('decision');
    }
  });

  it('a revoked delegation token, and one that expired, no longer prove anyone', async () => {
    const token = await t.world.agentToken(ana);
    const viewer = await t.world.gql<{ viewer: { tokenId: string } }>(token, '{ viewer { tokenId } }');
    expect(
      (await post(gateway, paths.evaluation, evaluationOf(subjectOf(ana, token), publicSeed))).body.decision,
    ).toBe(true);
    const revoked = await t.world.gql(
      anaHuman,
      'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }',
      {
        id: viewer.data!.viewer.tokenId,
      },
    );
    expect(revoked.errors).toBeUndefined();
    const after = await post(gateway, paths.evaluation, evaluationOf(subjectOf(ana, token), publicSeed));
    expect(after.body).toMatchObject({ decision: false, context: { reason: 'subject_not_verified' } });
    expect(after.body.context.error.message).toMatch(/revoked/);
    expect(
      (
        await post(gateway, paths.search, {
          subject: subjectOf(ana, token),
          action: { name: 'discover' },
          resource: { type: 'dataset' },
        })
      ).status,
    ).toBe(403);

    // A delegation lives no longer than the person's token it was exchanged for.
    const exchanged = await exchangeToken(t.world.service.url, await t.world.agentCredentials('SQL agent'), {
      subject_token: await t.idp.subjectToken(ana, { expiresInSeconds: 8 }),
      intent: 'analytics',
    });
    expect(exchanged.body, JSON.stringify(exchanged.body)).toHaveProperty('access_token');
    const shortLived = exchanged.body.access_token!;
    await expect
      .poll(
        async () =>
          (await post(gateway, paths.evaluation, evaluationOf(subjectOf(ana, shortLived), publicSeed))).body
            .context?.reason ?? 'permitted',
        { timeout: 15_000, interval: 500 },
      )
      .toBe('subject_not_verified');
    const expired = await post(
      gateway,
      paths.evaluation,
      evaluationOf(subjectOf(ana, shortLived), publicSeed),
    );
    expect(expired.body.context.error.message).toMatch(/expired/);
  });
});

// ---- hidden == nonexistent ----------------------------------------------------------------------

describe('a hidden object answers exactly like a missing one, through every door', () => {
  const absentOf = (resource: { type: string; id: string }) => ({
    ...resource,
    id: `${resource.id}_nowhere`,
  });
  /** The answer with what was typed masked out, so a hidden and an absent answer compare byte for byte. */
  const masked = (text: string, typed: string) => text.split(typed).join('<typed>');
  let viewers: { who: string; subject: Record<string, unknown> }[];

  beforeAll(async () => {
    viewers = [
      { who: 'Ana through her agent', subject: subjectOf(ana, anaAgent) },
      { who: 'Ana herself', subject: subjectOf(ana, await t.world.humanToken(ana)) },
      { who: 'Bob through an agent', subject: subjectOf(bob, await t.world.agentToken(bob)) },
    ];
    // The premise: GraphQL hides these from the same tokens, and shows the mart.
    const explained = await t.world.gql<Record<string, unknown>>(
      anaAgent,
      `{ ${hiddenPaths.map((resource, i) => `h${i}: explainAccess(path: "${resource.id}") { tier }`).join(' ')} mart: explainAccess(path: "${mart.id}") { tier } }`,
    );
    expect(explained.data).toEqual({ h0: null, h1: null, h2: null, h3: null, mart: { tier: 'DISCOVER' } });
  });

  it('evaluation: the same bytes for a hidden and a nonexistent object, both actions, every viewer', async () => {
    for (const { who, subject } of viewers) {
      for (const resource of hiddenPaths) {
        for (const action of ['discover', 'read']) {
          const hidden = await post(gateway, paths.evaluation, evaluationOf(subject, resource, action));
          const absent = await post(
            gateway,
            paths.evaluation,
            evaluationOf(subject, absentOf(resource), action),
          );
          expect(hidden.status).toBe(200);
          expect(hidden.text, `${who}: ${action} ${resource.id}`).toBe(absent.text);
          expect(hidden.body).toEqual({ decision: false, context: { reason: 'not_found' } });
        }
      }
    }
  });

  it('evaluations: under every semantic, a hidden item answers like an absent one', async () => {
    for (const { subject } of viewers) {
      for (const semantic of ['execute_all', 'deny_on_first_deny', 'permit_on_first_permit']) {
        const items = (resources: { type: string; id: string }[]) =>
          post(gateway, paths.evaluations, {
            subject,
            action: { name: 'discover' },
            evaluations: resources.map((resource) => ({ resource })),
            options: { evaluations_semantic: semantic },
          });
        const hidden = await items([publicSeed, ...hiddenPaths, mart]);
        const absent = await items([publicSeed, ...hiddenPaths.map(absentOf), mart]);
        expect(hidden.status).toBe(200);
        expect(hidden.text, semantic).toBe(absent.text);
      }
    }
  });

  it('search: no hidden object is ever listed, for any type or action', async () => {
    const hiddenIds = new Set<string>(hiddenPaths.map((resource) => resource.id));
    for (const { who, subject } of viewers) {
      for (const type of ['dataset', 'column', 'metric', 'glossary_term']) {
        for (const action of ['discover', 'read']) {
          let token = '';
          do {
            const reply = await post(gateway, paths.search, {
              subject,
              action: { name: action },
              resource: { type },
              page: { limit: 3, ...(token ? { token } : {}) },
            });
            expect(reply.status).toBe(200);
            for (const result of reply.body.results as { id: string }[]) {
              expect(hiddenIds.has(result.id), `${who} ${action} ${type}: ${result.id}`).toBe(false);
              expect(result.id).not.toMatch(/^raw\.shop\.customers|customers_snapshot|\.email$/);
            }
            token = reply.body.page.next_token;
          } while (token);
        }
      }
    }
  });

  it('access requests: no binding for a hidden object; a forged or re-targeted one is refused like for a missing one', async () => {
    const subject = subjectOf(ana, anaAgent);
    const before = await requestState();
    // The evaluation of a hidden object offers no access request at all.
    for (const resource of hiddenPaths) {
      const denial = await post(gateway, paths.evaluation, evaluationOf(subject, resource));
      expect(denial.body.context).not.toHaveProperty('access_request');
    }
    const offer = (await post(gateway, paths.evaluation, evaluationOf(subject, mart))).body.context;
    expect(offer.reason).toBe('approval_required');
    const binding: string = offer.access_request.binding_token;
    const submit = (resource: { type: string; id: string }, bindingToken: string) =>
      post(gateway, paths.requests, {
        subject,
        resource,
        action: { name: 'read' },
        context: { justification: 'Churn analysis for the board' },
        denial: { binding_token: bindingToken, expires_at: offer.access_request.expires_at },
      });
    const [header, payload, signature] = binding.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const retargeted = (id: string) =>
      `${header}.${Buffer.from(JSON.stringify({ ...claims, resource: { ...claims.resource, id } })).toString('base64url')}.${signature}`;
    const selfSigned = (id: string) =>
      new SignJWT({ ...claims, resource: { ...claims.resource, id } })
        .setProtectedHeader({ alg: 'HS256', typ: 'authzen-denial+jwt' })
        .sign(new TextEncoder().encode('a secret the attacker chose, long enough'));

    for (const resource of hiddenPaths) {
      const absent = absentOf(resource);
      const attempts: [string, (id: string) => Promise<string> | string][] = [
        ['the mart’s binding, echoed for another object', () => binding],
        ['the mart’s binding with its resource rewritten', retargeted],
        ['a binding the attacker signed', selfSigned],
      ];
      for (const [how, bindingFor] of attempts) {
        const forHidden = await submit(resource, await bindingFor(resource.id));
        const forAbsent = await submit(absent, await bindingFor(absent.id));
        expect(forHidden.status, how).toBe(400);
        expect(forHidden.headers.get('content-type')).toBe('application/problem+json');
        expect(forHidden.body.type).toBe('urn:openid:authzen:access-request:error:invalid_denial_binding');
        expect(masked(forHidden.text, resource.id), `${how}: ${resource.id}`).toBe(
          masked(forAbsent.text, absent.id),
        );
      }
    }
    // Re-targeted to an object she may discover: refused too.
    const stg = { type: 'dataset', id: 'analytics.staging.stg_customers' };
    for (const token of [binding, retargeted(stg.id), await selfSigned(stg.id)]) {
      const reply = await submit(stg, token);
      expect(reply.status).toBe(400);
      expect(reply.body.type).toBe('urn:openid:authzen:access-request:error:invalid_denial_binding');
    }
    expect(await requestState()).toBe(before);
  });

  it('re-evaluation: another person’s approval answers like one that never existed, for hidden and visible objects', async () => {
    // Ana's agent holds a grant (the analysts' rule approves internal data at once).
    const anaSubject = subjectOf(ana, await t.world.agentToken(ana, { agent: 'Granted agent' }));
    const fct = { type: 'dataset', id: 'analytics.marts.fct_orders' };
    const offer = (await post(gateway, paths.evaluation, evaluationOf(anaSubject, fct))).body.context;
    const approved = await post(gateway, paths.requests, {
      subject: anaSubject,
      resource: fct,
      action: { name: 'read' },
      context: { justification: 'Quarterly revenue review' },
      denial: {
        binding_token: offer.access_request.binding_token,
        expires_at: offer.access_request.expires_at,
      },
    });
    expect(approved.status).toBe(201);
    const grant = approved.body.result.approval;
    const withApproval = (subject: unknown, resource: { type: string; id: string }, approval: unknown) =>
      post(gateway, paths.evaluation, { ...evaluationOf(subject, resource), context: { approval } });
    expect((await withApproval(anaSubject, fct, grant)).body.decision).toBe(true);

    const bobSubject = subjectOf(bob, await t.world.agentToken(bob, { agent: 'Granted agent' }));
    const invented = { ...grant, id: randomUUID() };
    for (const resource of [fct, mart, ...hiddenPaths]) {
      const stolen = await withApproval(bobSubject, resource, grant);
      const none = await withApproval(bobSubject, resource, invented);
      expect(stolen.text, resource.id).toBe(none.text);
      expect(stolen.text).not.toContain(grant.id);
      expect(stolen.body.decision).toBe(false);
    }
    for (const resource of hiddenPaths) {
      const hidden = await withApproval(bobSubject, resource, grant);
      const absent = await withApproval(bobSubject, absentOf(resource), grant);
      expect(hidden.text, resource.id).toBe(absent.text);
    }
  });

  it('task status: another client’s task and a request filed elsewhere answer like an id that never existed', async () => {
    const subject = subjectOf(ana, await t.world.agentToken(ana, { agent: 'Task agent' }));
    const offer = (await post(otherGateway, paths.evaluation, evaluationOf(subject, mart))).body.context;
    const filed = await post(otherGateway, paths.requests, {
      subject,
      resource: mart,
      action: { name: 'read' },
      context: { justification: 'Churn analysis for the board' },
      denial: {
        binding_token: offer.access_request.binding_token,
        expires_at: offer.access_request.expires_at,
      },
    });
    expect(filed.status).toBe(202);
    const othersTask: string = filed.body.task.id;
    expect((await send('GET', `${paths.requests}/${othersTask}`, basicOf(otherGateway))).status).toBe(200);
    const viaGraphql = await t.world.gql<{ requestAccess: { request: { id: string; status: string } } }>(
      await t.world.agentToken(ana, { agent: 'GraphQL agent' }),
      requestAccessMutation,
      {
        input: {
          paths: ['analytics.staging.stg_customers'],
          tier: 'READ',
          justification: 'Churn analysis for the board',
          duration: 'PT8H',
        },
      },
    );
    expect(viaGraphql.errors, JSON.stringify(viaGraphql.errors)).toBeUndefined();
    expect(viaGraphql.data?.requestAccess.request.status).toBe('PENDING');
    const filedElsewhere = viaGraphql.data!.requestAccess.request.id;

    const never = randomUUID();
    const nothing = await send('GET', `${paths.requests}/${never}`, basicOf(gateway));
    expect(nothing.status).toBe(404);
    expect(nothing.body.type).toBe('urn:openid:authzen:access-request:error:unknown_task');
    for (const id of [othersTask, filedElsewhere]) {
      const reply = await send('GET', `${paths.requests}/${id}`, basicOf(gateway));
      expect(masked(reply.text, id), id).toBe(masked(nothing.text, never));
    }
    for (const id of ["'; select 1; --", '..%2F..%2Fgraphql', 'x'.repeat(3000), '%00']) {
      const reply = await send('GET', `${paths.requests}/${id}`, basicOf(gateway));
      expect(reply.status, id.slice(0, 40)).toBe(404);
      expect(reply.body.type).toBe('urn:openid:authzen:access-request:error:unknown_task');
    }
  });
});

// ---- page tokens --------------------------------------------------------------------------------

describe('resource search page tokens', () => {
  const search = (
    pep: Pep,
    subject: unknown,
    extra: Record<string, unknown> = {},
    page: Record<string, unknown> = {},
  ) =>
    post(pep, paths.search, {
      subject,
      action: { name: 'discover' },
      resource: { type: 'dataset' },
      page: { limit: 2, ...page },
      ...extra,
    });

  let subject: Record<string, unknown>;
  let all: string[];
  let firstToken: string;

  beforeAll(async () => {
    subject = subjectOf(ana, anaAgent);
    all = [];
    let token = '';
    do {
      const reply = await search(gateway, subject, {}, token ? { token } : {});
      expect(reply.status).toBe(200);
      all.push(...reply.body.results.map((result: { id: string }) => result.id));
      token = reply.body.page.next_token;
      firstToken ||= token;
    } while (token);
    expect(all.length).toBeGreaterThan(3);
  });

  const refusedAs = (reply: Reply, pattern: RegExp) => {
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('bad_request');
    expect(reply.body.message).toMatch(pattern);
    expect(reply.text).not.toContain('analytics.');
    expect(reply.text).not.toContain('raw.');
  };

  it('a token from another subject, search or client is refused (400)', async () => {
    const another = /belongs to another search/;
    const bobAgent = await t.world.agentToken(bob);
    const anaOther = await t.world.agentToken(ana, { agent: 'Paging agent' });
    for (const other of [
      subjectOf(bob, bobAgent),
      subjectOf(ana, await t.world.humanToken(ana)),
      subjectOf(ana, anaOther),
      subjectOf(ana.toUpperCase(), anaAgent),
    ]) {
      refusedAs(await search(gateway, other, {}, { token: firstToken }), another);
    }
    refusedAs(await search(gateway, subject, { action: { name: 'read' } }, { token: firstToken }), another);
    refusedAs(
      await search(gateway, subject, { resource: { type: 'column' } }, { token: firstToken }),
      another,
    );
    refusedAs(await search(gateway, subject, {}, { token: firstToken, limit: 5 }), another);
    refusedAs(await search(gateway, subject, { context: { purpose: 'x' } }, { token: firstToken }), another);
    refusedAs(await search(otherGateway, subject, {}, { token: firstToken }), another);
  });

  it('a tampered or invented token is refused (400)', async () => {
    const decoded = JSON.parse(Buffer.from(firstToken, 'base64url').toString('utf8'));
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const issuedOnly = /not a token this server issued|belongs to another search/;
    for (const token of [
      `${firstToken.slice(0, -3)}`,
      `x${firstToken}`,
      firstToken.replace(/[A-Za-z]/, (letter) => (letter === 'A' ? 'B' : 'A')),
      'not-a-token',
      encode({ v: 1, after: decoded.after, search: 'A'.repeat(43) }),
      encode({ v: 2, after: decoded.after, search: decoded.search }),
      encode({ ...decoded, after: 12 }),
      encode({ ...decoded, search: `${decoded.search}=` }),
      encode([decoded]),
      encode(null),
    ]) {
      refusedAs(await search(gateway, subject, {}, { token }), issuedOnly);
    }
  });

  it('a token rewritten to start anywhere still lists only her own results', async () => {
    const decoded = JSON.parse(Buffer.from(firstToken, 'base64url').toString('utf8'));
    const own = new Set(all);
    for (const after of [
      '',
      'raw.shop.customers',
      'analytics.snapshots.customers_snapshot',
      'analytics.snapshots.c',
      '\uffff',
      all[2]!,
    ]) {
      const token = Buffer.from(JSON.stringify({ ...decoded, after })).toString('base64url');
      const reply = await search(gateway, subject, {}, { token });
      expect(reply.status).toBe(200);
      expect(reply.body.page.total).toBe(all.length);
      const ids = reply.body.results.map((result: { id: string }) => result.id);
      expect(
        ids.every((id: string) => own.has(id)),
        after,
      ).toBe(true);
      expect(ids).toEqual(all.filter((id) => id > after).slice(0, 2));
    }
  });
});

// ---- binding tokens -----------------------------------------------------------------------------

describe('denial bindings work only for the denial they bind', () => {
  const justification = { justification: 'Churn analysis for the board' };
  const offerFor = async (subject: Record<string, unknown>) =>
    (await post(gateway, paths.evaluation, evaluationOf(subject, mart))).body.context as {
      evaluation_id: string;
      access_request: { binding_token: string; expires_at: string };
    };
  const submit = (subject: Record<string, unknown>, offer: Awaited<ReturnType<typeof offerFor>>) =>
    post(gateway, paths.requests, {
      subject,
      resource: mart,
      action: { name: 'read' },
      context: justification,
      denial: {
        binding_token: offer.access_request.binding_token,
        evaluation_id: offer.evaluation_id,
        expires_at: offer.access_request.expires_at,
      },
    });

  it('replayed by another agent of the same person, by another person, or after the delegation was revoked: refused, nothing filed', async () => {
    const token = await t.world.agentToken(ana, { agent: 'Binding agent' });
    const subject = subjectOf(ana, token);
    const offer = await offerFor(subject);
    const before = await requestState();

    const otherAgent = await submit(
      subjectOf(ana, await t.world.agentToken(ana, { agent: 'Second agent' })),
      offer,
    );
    expect(otherAgent.status).toBe(400);
    expect(otherAgent.body.type).toBe('urn:openid:authzen:access-request:error:invalid_denial_binding');

    const bobThroughSameAgent = await submit(
      subjectOf(bob, await t.world.agentToken(bob, { agent: 'Binding agent' })),
      offer,
    );
    expect(bobThroughSameAgent.status).toBe(400);
    expect(bobThroughSameAgent.body.type).toBe(
      'urn:openid:authzen:access-request:error:invalid_denial_binding',
    );

    const bobClaimingAna = await submit(subjectOf(ana, await t.world.agentToken(bob)), offer);
    expect(bobClaimingAna.status).toBe(403);
    expect(bobClaimingAna.text).not.toContain(bob);

    const anotherEvaluation = await submit(subject, { ...offer, evaluation_id: `eval_${randomUUID()}` });
    expect(anotherEvaluation.status).toBe(400);
    for (const reply of [otherAgent, bobThroughSameAgent, anotherEvaluation]) {
      expect(reply.text).not.toContain(bob);
      expect(reply.text).not.toContain('Ana');
    }
    expect(await requestState()).toBe(before);

    // The person takes the delegation back: the binding it was issued under dies with it.
    const viewer = await t.world.gql<{ viewer: { tokenId: string } }>(token, '{ viewer { tokenId } }');
    await t.world.gql(
      await t.world.humanToken(ana),
      'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }',
      {
        id: viewer.data!.viewer.tokenId,
      },
    );
    const revoked = await submit(subject, offer);
    expect(revoked.status).toBe(403);
    expect(revoked.body.detail ?? revoked.body.message).toMatch(/revoked/);
    expect(await requestState()).toBe(before);
  });

  it('the control: the same binding, by whom it was issued to, files the request once; another client cannot present it again', async () => {
    const subject = subjectOf(ana, await t.world.agentToken(ana, { agent: 'Honest agent' }));
    const offer = await offerFor(subject);
    const filed = await submit(subject, offer);
    expect(filed.status).toBe(202);
    expect(filed.body.task.status).toBe('pending');
    const before = await requestState();
    // Presented again by the same client: the same task. By another client: refused.
    const again = await submit(subject, offer);
    expect(again.body.task.id).toBe(filed.body.task.id);
    const elsewhere = await post(otherGateway, paths.requests, {
      subject,
      resource: mart,
      action: { name: 'read' },
      context: justification,
      denial: {
        binding_token: offer.access_request.binding_token,
        expires_at: offer.access_request.expires_at,
      },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.type).toBe('urn:openid:authzen:access-request:error:invalid_denial_binding');
    expect(elsewhere.text).not.toContain(filed.body.task.id);
    expect(await requestState()).toBe(before);
  });
});

// ---- bad input and limits ----------------------------------------------------------------------

describe('bad input and limits', () => {
  it('oversized, malformed and out-of-range requests are clear 4xx answers that decide nothing', async () => {
    const subject = subjectOf(ana, anaAgent);
    const before = await requestState();
    const cases: [string, string, unknown, number][] = [
      [
        'a body over 256 KiB',
        paths.evaluation,
        { ...evaluationOf(subject, publicSeed), pad: 'x'.repeat(300_000) },
        413,
      ],
      ['a body that is not JSON', paths.evaluation, '{"subject":', 400],
      ['a JSON array', paths.evaluations, [evaluationOf(subject, publicSeed)], 400],
      [
        '201 evaluations',
        paths.evaluations,
        {
          subject,
          action: { name: 'read' },
          evaluations: Array.from({ length: 201 }, () => ({ resource: publicSeed })),
        },
        400,
      ],
      [
        'an unknown resource type',
        paths.evaluation,
        evaluationOf(subject, { type: 'table', id: publicSeed.id }),
        400,
      ],
      ['an unknown action', paths.evaluation, evaluationOf(subject, publicSeed, 'write'), 400],
      [
        'a resource id of 1001 characters',
        paths.evaluation,
        evaluationOf(subject, { type: 'dataset', id: 'a'.repeat(1001) }),
        400,
      ],
      [
        'an evaluation item without a resource',
        paths.evaluations,
        { subject, action: { name: 'read' }, evaluations: [{}] },
        400,
      ],
      [
        'an unknown semantic',
        paths.evaluations,
        {
          subject,
          action: { name: 'read' },
          evaluations: [{ resource: publicSeed }],
          options: { evaluations_semantic: 'permit_always' },
        },
        400,
      ],
      [
        'page.limit 501',
        paths.search,
        { subject, action: { name: 'read' }, resource: { type: 'dataset' }, page: { limit: 501 } },
        400,
      ],
      [
        'page.limit -1',
        paths.search,
        { subject, action: { name: 'read' }, resource: { type: 'dataset' }, page: { limit: -1 } },
        400,
      ],
      [
        'a page token of 2001 characters',
        paths.search,
        {
          subject,
          action: { name: 'read' },
          resource: { type: 'dataset' },
          page: { token: 'a'.repeat(2001) },
        },
        400,
      ],
      [
        'a subject token of 20 000 characters',
        paths.evaluation,
        evaluationOf(subjectOf(ana, 'a'.repeat(20_000)), publicSeed),
        400,
      ],
    ];
    for (const [what, path, body, status] of cases) {
      const reply = await post(gateway, path, body);
      expect(reply.status, what).toBe(status);
      expect(reply.body.message, what).toEqual(expect.any(String));
      expect(reply.body).not.toHaveProperty('decision');
      expect(reply.body).not.toHaveProperty('evaluations');
      expect(reply.body).not.toHaveProperty('results');
    }
    expect(await requestState()).toBe(before);
  });
});

// ---- the log ------------------------------------------------------------------------------------

describe('the log of every attack above', () => {
  it('holds no token and no client secret, and no refusal logged an error or a stack', async () => {
    const agent = await t.world.agentCredentials('SQL agent');
    secrets.add(agent.clientSecret);
    expect(t.logs.length).toBeGreaterThan(100);
    const text = t.logs.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    // No JWT (header.payload.signature) of any kind: delegation, identity, binding or forged.
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(t.logs.filter((line) => line.level >= logLevels.error)).toEqual([]);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('a refused subject is one INFO line with the request id, the client and the reason', async () => {
    const requestId = `attack-${randomUUID()}`;
    const reply = await post(
      gateway,
      paths.evaluation,
      evaluationOf(subjectOf(ana, await t.world.agentToken(bob)), publicSeed),
      { 'x-request-id': requestId },
    );
    expect(reply.body.context.reason).toBe('subject_not_verified');
    await expect.poll(() => t.linesOf(requestId).some((line) => line.msg === 'request')).toBe(true);
    const refusals = t.linesOf(requestId).filter((line) => line.msg !== 'request');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      level: logLevels.info,
      pepClient: gateway.clientId,
      msg: 'authzen subject refused: subject.id is not the person the token names',
    });
  });
});
