import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { GovernanceClient } from '../support/governance-client.ts';
import { graphql } from '../support/graphql-client.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

// Tokens in the shapes Okta, Auth0 and Microsoft Entra Agent ID publish, signed by local test
// providers, become aperture's delegation chain, or a clear refusal. Subjects are the vendors'
// sample ids; the issuers are local stand-ins for an Okta org, an Auth0 tenant and an Entra tenant.

let db: TestDatabase;
let service: RunningService;
let hr: TestIdentityProvider; // the company's own provider (governance signs in with it)
let okta: TestIdentityProvider; // issues agent tokens and ID-JAGs
let auth0: TestIdentityProvider; // agent tokens only (no ID-JAG)
let entra: TestIdentityProvider;
let rogue: TestIdentityProvider; // not configured: untrusted
let governance: GovernanceClient;
let governanceToken: string;
type Client = { clientId: string; clientSecret: string };
let assistant: Client; // top-level, may delegate one level
let helper: Client; // sub-agent of assistant
let stranger: Client; // unrelated top-level agent
let dormant: Client; // suspended
let sleeperChild: Client; // active sub-agent of a suspended parent

const apertureIssuer = 'urn:aperture';
const idJagType = 'oauth-id-jag+jwt';
const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const viewerQuery = '{ viewer { chain { clientId } human { email } intent } }';

// How each provider names the agents (their published id formats).
const oktaAssistant = 'wlp9jebmx18qWtCeu0g7';
const oktaHelper = 'wlp9jecfovIcujmca0g7';
const oktaStranger = 'wlp9jf0aa1Strang0g7';
const oktaDormant = 'wlp9jf0bb2Dorman0g7';
const oktaSleeperParent = 'wlp9jf0cc3SlpPar0g7';
const oktaSleeperChild = 'wlp9jf0dd4SlpChd0g7';
const auth0Assistant = 'agt_1a2b3c';
const entraAssistant = 'aaaaaaaa-1111-2222-3333-444444444444';

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  [hr, okta, auth0, entra, rogue] = await Promise.all([
    TestIdentityProvider.create(),
    TestIdentityProvider.create('https://acme.okta.test'),
    TestIdentityProvider.create('https://acme.auth0.test/'),
    TestIdentityProvider.create('https://login.microsoftonline.test/7f3c1a2b/v2.0'),
    TestIdentityProvider.create('https://rogue.test'),
  ]);
  service = await startTestService(db, {
    providers: [
      await hr.serveJwks(),
      { ...(await okta.serveJwks()), idJag: {} },
      await auth0.serveJwks(),
      await entra.serveJwks(),
    ],
  });
  await rogue.serveJwks();
  governanceToken = await hr.token('gina@acme.test');
  governance = new GovernanceClient(service.graphqlUrl, governanceToken);
  await governance.createIntent({
    name: 'analytics',
    description: 'Answer questions',
    allowedTiers: ['READ'],
  });
  assistant = await governance.registerAgent({
    name: 'Enterprise assistant',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics'],
    maxDelegationDepth: 1,
    externalIdentities: [
      { issuer: okta.issuer, subject: oktaAssistant },
      { issuer: auth0.issuer, subject: auth0Assistant },
      { issuer: entra.issuer, subject: entraAssistant },
    ],
  });
  helper = await governance.registerAgent({
    name: 'Enterprise helper',
    ownerEmail: 'bob@acme.test',
    parentClientId: assistant.clientId,
    allowedIntents: ['analytics'],
    externalIdentities: [{ issuer: okta.issuer, subject: oktaHelper }],
  });
  stranger = await governance.registerAgent({
    name: 'Enterprise stranger',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics'],
    externalIdentities: [{ issuer: okta.issuer, subject: oktaStranger }],
  });
  dormant = await governance.registerAgent({
    name: 'Enterprise dormant',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics'],
    externalIdentities: [{ issuer: okta.issuer, subject: oktaDormant }],
  });
  const sleeperParent = await governance.registerAgent({
    name: 'Enterprise sleeper',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics'],
    maxDelegationDepth: 1,
    externalIdentities: [{ issuer: okta.issuer, subject: oktaSleeperParent }],
  });
  sleeperChild = await governance.registerAgent({
    name: 'Enterprise sleeper child',
    ownerEmail: 'bob@acme.test',
    parentClientId: sleeperParent.clientId,
    allowedIntents: ['analytics'],
    externalIdentities: [{ issuer: okta.issuer, subject: oktaSleeperChild }],
  });
  await governance.agentMutation('suspendAgent', dormant.clientId);
  await governance.agentMutation('suspendAgent', sleeperParent.clientId);
});
afterAll(async () => {
  await service?.stop();
  await Promise.all([hr, okta, auth0, entra, rogue].map((idp) => idp?.close()));
  await db?.dispose();
});

const now = () => Math.floor(Date.now() / 1000);

/** A person's token from an enterprise provider for agents to exchange, with the vendor's claims. */
function subjectToken(idp: TestIdentityProvider, claims: Record<string, unknown>): Promise<string> {
  return idp.sign({
    iss: idp.issuer,
    aud: idp.exchangeAudience,
    sub: '00u8f3k2jsLpQ0Zx90h7',
    email: 'ana@acme.test',
    iat: now(),
    exp: now() + 600,
    ...claims,
  });
}

/** An ID-JAG as draft-ietf-oauth-identity-assertion-authz-grant §3 and Okta's examples shape it. */
function idJag(claims: Record<string, unknown> = {}, idp = okta, typ = idJagType): Promise<string> {
  return idp.sign(
    {
      jti: `IDAAG.${randomUUID()}`,
      iss: idp.issuer,
      sub: '00u8f3k2jsLpQ0Zx90h7',
      email: 'ana@acme.test',
      aud: apertureIssuer,
      client_id: assistant.clientId,
      iat: now(),
      exp: now() + 300,
      scope: 'chat.read chat.history',
      auth_time: now(),
      amr: ['mfa', 'phrh', 'hwk', 'user'],
      ...claims,
    },
    { typ },
  );
}

/** POSTs the jwt-bearer grant (RFC 7523) with an ID-JAG, authenticated with HTTP Basic. */
async function redeem(client: Client, assertion: string, params: Record<string, string> = {}) {
  const response = await fetch(`${service.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: jwtBearer, assertion, intent: 'analytics', ...params }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    },
  };
}

async function exchange(client: Client, subject: string) {
  return exchangeToken(service.url, client, { subject_token: subject, intent: 'analytics' });
}

async function viewerOf(accessToken: string | undefined) {
  expect(accessToken).toBeDefined();
  return (await graphql(service.graphqlUrl, viewerQuery, {}, accessToken)).data?.viewer;
}

const chainOf = (...clients: Client[]) => clients.map(({ clientId }) => ({ clientId }));

describe('registering how enterprise providers name an agent', () => {
  it("frees a retired agent's external identities for the agent that replaces it", async () => {
    const register = `mutation ($name: String!) {
      registerAgent(input: { name: $name, ownerEmail: "bob@acme.test", allowedIntents: ["analytics"],
        externalIdentities: [{ issuer: "${okta.issuer}", subject: "wlp-replaced-agent" }] }) { agent { clientId } }
    }`;
    const first = await graphql(service.graphqlUrl, register, { name: 'Retiring agent' }, governanceToken);
    expect(first.errors).toBeUndefined();
    const clientId = (first.data as { registerAgent: { agent: { clientId: string } } }).registerAgent.agent
      .clientId;
    const retired = await graphql(
      service.graphqlUrl,
      'mutation ($id: String!) { retireAgent(clientId: $id) { status externalIdentities { subject } } }',
      { id: clientId },
      governanceToken,
    );
    expect(retired.data).toEqual({ retireAgent: { status: 'RETIRED', externalIdentities: [] } });
    const replacement = await graphql(
      service.graphqlUrl,
      register,
      { name: 'Replacing agent' },
      governanceToken,
    );
    expect(replacement.errors).toBeUndefined();
  });

  it('shows the external identities to governance, replaces the set on update, and refuses a pair another agent holds', async () => {
    const query = 'query ($id: String!) { agent(clientId: $id) { externalIdentities { issuer subject } } }';
    expect((await graphql(service.graphqlUrl, query, { id: helper.clientId }, governanceToken)).data).toEqual(
      {
        agent: { externalIdentities: [{ issuer: okta.issuer, subject: oktaHelper }] },
      },
    );
    const update =
      'mutation ($id: String!, $input: UpdateAgentInput!) { updateAgent(clientId: $id, input: $input) { externalIdentities { issuer subject } } }';
    const taken = await graphql(
      service.graphqlUrl,
      update,
      {
        id: stranger.clientId,
        input: { externalIdentities: [{ issuer: okta.issuer, subject: oktaHelper }] },
      },
      governanceToken,
    );
    expect(taken.errors?.[0]).toMatchObject({
      message: `the external identity ${oktaHelper} (issuer ${okta.issuer}) already names agent Enterprise helper`,
      extensions: { code: 'CONFLICT' },
    });
    const invalid = await graphql(
      service.graphqlUrl,
      update,
      { id: stranger.clientId, input: { externalIdentities: [{ issuer: okta.issuer, subject: ' ' }] } },
      governanceToken,
    );
    expect(invalid.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const replaced = await graphql(
      service.graphqlUrl,
      update,
      {
        id: stranger.clientId,
        input: {
          externalIdentities: [
            { issuer: okta.issuer, subject: oktaStranger },
            { issuer: auth0.issuer, subject: 'agt_stranger' },
          ],
        },
      },
      governanceToken,
    );
    expect(replaced.data).toEqual({
      updateAgent: {
        externalIdentities: [
          { issuer: auth0.issuer, subject: 'agt_stranger' },
          { issuer: okta.issuer, subject: oktaStranger },
        ],
      },
    });
    const audited = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'agent.updated' },
      orderBy: { id: 'desc' },
    });
    expect(audited.payload).toMatchObject({ changes: { externalIdentities: expect.any(Array) } });
  });
});

describe('token exchange with a person token that names its agents', () => {
  it("Okta's act + delegated_through becomes the chain parent → sub-agent", async () => {
    const token = await subjectToken(okta, {
      sub_profile: 'user',
      act: { sub: oktaHelper, sub_profile: 'ai_agent' },
      delegated_through: [{ sub: oktaAssistant, sub_profile: 'ai_agent' }],
      origin: { sub: '0oa9jh6hizeR7uMag0g7', sub_profile: 'service' },
    });
    const result = await exchange(helper, token);
    expect(result.status).toBe(200);
    expect(await viewerOf(result.body.access_token)).toEqual({
      chain: chainOf(assistant, helper),
      human: { email: 'ana@acme.test' },
      intent: 'analytics',
    });
    const audited = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'token.exchanged', subjectId: decodeJwt(result.body.access_token!).jti! },
    });
    expect(audited.payload).toMatchObject({ actorClaimsIssuer: okta.issuer });
  });

  it("Auth0's on-behalf-of act (agent, then the browser app) becomes the agent; its sub-agent may not start over from the person's token", async () => {
    const token = await subjectToken(auth0, {
      sub: 'auth0|user123',
      sub_profile: 'user',
      client_id: 'agent-client-id',
      client_profile: 'service ai_agent',
      act: {
        sub: auth0Assistant,
        sub_profile: 'ai_agent',
        client_id: 'agent-client-id',
        act: { sub: 'spa-client-id', sub_profile: 'browser_app', client_id: 'spa-client-id' },
      },
    });
    expect(await viewerOf((await exchange(assistant, token)).body.access_token)).toMatchObject({
      chain: chainOf(assistant),
    });
    // A sub-agent exchanges its parent's delegation token (inheriting its intent and task, revoked
    // with it), never the person's token that names its parent.
    expect(await exchange(helper, token)).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: expect.stringMatching(/a sub-agent exchanges its parent's delegation token/),
      },
    });
  });

  it("Entra Agent ID's facets (idtyp user, xms_act_fct 11, azp) name the agent identity", async () => {
    const token = await subjectToken(entra, {
      sub: 'Zr2xQb0nUq0tCkP2VhD0S2m2f3m7Q9Hk',
      oid: 'dddddddd-1111-2222-3333-444444444444',
      tid: '7f3c1a2b',
      idtyp: 'user',
      xms_idrel: '1',
      azp: entraAssistant,
      scp: 'Catalog.Read',
      xms_act_fct: '3 11',
    });
    expect(await viewerOf((await exchange(assistant, token)).body.access_token)).toMatchObject({
      chain: chainOf(assistant),
      human: { email: 'ana@acme.test' },
    });
  });

  it('refuses, saying why: unregistered actor, wrong client, broken chain, suspended agent, agent subjects, malformed claims', async () => {
    const refusals: [Client, Record<string, unknown>, TestIdentityProvider, string][] = [
      [
        assistant,
        { act: { sub: '0oa8f5j3ecb5xqHiU0h7', sub_profile: 'ai_agent' } },
        okta,
        'act.sub names 0oa8f5j3ecb5xqHiU0h7 (issuer https://acme.okta.test), which is not a registered agent: register it with externalIdentities',
      ],
      [
        assistant,
        { act: { sub: oktaHelper, sub_profile: 'ai_agent' }, delegated_through: [{ sub: oktaAssistant }] },
        okta,
        "the token's actor claims do not name agent Enterprise assistant as the acting agent: only the agent they name exchanges it (a sub-agent exchanges its parent's delegation token)",
      ],
      [
        stranger,
        { act: { sub: oktaStranger, sub_profile: 'ai_agent' }, delegated_through: [{ sub: oktaAssistant }] },
        okta,
        'agent Enterprise stranger is not registered as a sub-agent of the presenting agent',
      ],
      [
        sleeperChild,
        {
          act: { sub: oktaSleeperChild, sub_profile: 'ai_agent' },
          delegated_through: [{ sub: oktaSleeperParent, sub_profile: 'ai_agent' }],
        },
        okta,
        'agent Enterprise sleeper is suspended',
      ],
      [
        assistant,
        { sub: 'agt_1a2b3c', sub_profile: 'ai_agent', act: { sub: auth0Assistant, sub_profile: 'ai_agent' } },
        auth0,
        'sub names agent Enterprise assistant, not a person: agents act for people, and a token whose subject is itself an agent names no human',
      ],
      [
        assistant,
        { sub_profile: 'ai_agent', act: { sub: oktaAssistant, sub_profile: 'ai_agent' } },
        okta,
        'sub_profile says the subject is ai_agent, not a person: agents act for people, and a token whose subject is itself an agent or a service names no human',
      ],
      [
        assistant,
        { idtyp: 'user', azp: entraAssistant, xms_act_fct: '11', xms_sub_fct: '13' },
        entra,
        "xms_sub_fct says the subject is an agent's user account, not a person: agents act for people",
      ],
      [
        assistant,
        { idtyp: 'user', azp: entraAssistant, xms_act_fct: '11 agent' },
        entra,
        'xms_act_fct must hold space-separated facet numbers',
      ],
      [assistant, { act: [oktaAssistant] }, okta, 'act must be a JSON object'],
      [
        assistant,
        { act: { sub: auth0Assistant, iss: auth0.issuer, sub_profile: 'ai_agent' } },
        okta,
        `act.iss names the issuer ${auth0.issuer}, but the token comes from ${okta.issuer}: an identity provider may only name its own agents`,
      ],
      [
        assistant,
        { act: { sub: oktaAssistant, act: { sub: oktaAssistant } } },
        okta,
        `act.sub and act.act.sub both name ${oktaAssistant}: a delegation chain cannot pass through the same agent twice`,
      ],
    ];
    for (const [client, claims, idp, message] of refusals) {
      const result = await exchange(client, await subjectToken(idp, claims));
      expect({ status: result.status, body: result.body }).toEqual({
        status: 400,
        body: { error: 'invalid_grant', error_description: message },
      });
    }
    const refused = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'token.refused' },
      orderBy: { id: 'desc' },
    });
    expect(refused.payload).toMatchObject({ error: 'invalid_grant', clientId: assistant.clientId });
  });

  it('refuses actor claims from an untrusted issuer before reading them', async () => {
    const token = await subjectToken(rogue, { act: { sub: oktaAssistant, sub_profile: 'ai_agent' } });
    expect((await exchange(assistant, token)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'the token was not issued by a trusted identity provider',
    });
  });

  it('a person token that names an agent cannot be used on the API as the person', async () => {
    const token = await okta.sign({
      iss: okta.issuer,
      aud: okta.audience,
      sub: '00u8f3k2jsLpQ0Zx90h7',
      email: 'ana@acme.test',
      iat: now(),
      exp: now() + 600,
      act: { sub: oktaAssistant, sub_profile: 'ai_agent' },
    });
    const result = await graphql(service.graphqlUrl, viewerQuery, {}, token);
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringContaining('this token names agents acting for the person'),
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('the ID-JAG grant (Cross App Access) at /oauth/token', () => {
  it("issues aperture's delegation token for the person, capped by the ID-JAG's exp, audited as from the ID-JAG", async () => {
    const assertion = await idJag({ exp: now() + 120, act: { sub: oktaAssistant, sub_profile: 'ai_agent' } });
    const result = await redeem(assistant, assertion, { task_id: 'task-7' });
    expect(result.status).toBe(200);
    expect(result.body.expires_in).toBeLessThanOrEqual(120);
    expect(await viewerOf(result.body.access_token)).toEqual({
      chain: chainOf(assistant),
      human: { email: 'ana@acme.test' },
      intent: 'analytics',
    });
    const claims = decodeJwt(result.body.access_token!);
    expect(claims).toMatchObject({ iss: apertureIssuer, client_id: assistant.clientId, task_id: 'task-7' });
    const audited = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'token.exchanged', subjectId: claims.jti! },
    });
    expect(audited.payload).toMatchObject({
      grant: 'id-jag',
      idJagIssuer: okta.issuer,
      idJagId: decodeJwt(assertion).jti,
    });
  });

  it('an ID-JAG without actor claims names the authenticated agent alone; its actor claims may name the parent of a sub-agent', async () => {
    expect(await viewerOf((await redeem(assistant, await idJag())).body.access_token)).toMatchObject({
      chain: chainOf(assistant),
    });
    const forHelper = await idJag({
      client_id: helper.clientId,
      act: { sub: oktaHelper, sub_profile: 'ai_agent' },
      delegated_through: [{ sub: oktaAssistant, sub_profile: 'ai_agent' }],
    });
    expect(await viewerOf((await redeem(helper, forHelper)).body.access_token)).toMatchObject({
      chain: chainOf(assistant, helper),
    });
    const alone = await redeem(helper, await idJag({ client_id: helper.clientId }));
    expect(alone.body.error_description).toContain('agent Enterprise helper is a sub-agent');
  });

  it('an ID-JAG is single-use: a replay, even concurrent, is refused and recorded for every replica', async () => {
    const assertion = await idJag();
    const results = await Promise.all([redeem(assistant, assertion), redeem(assistant, assertion)]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 400]);
    const replay = await redeem(assistant, assertion);
    expect(replay.body).toEqual({
      error: 'invalid_grant',
      error_description: 'the ID-JAG was already used: each ID-JAG (its jti) is redeemed once',
    });
    expect(
      await db.prisma.usedAssertion.count({ where: { issuer: okta.issuer, jti: decodeJwt(assertion).jti! } }),
    ).toBe(1);
  });

  it('an ID-JAG is never a person token: not as the subject of a token exchange, not on the API; a resource it names binds the token', async () => {
    const assertion = await idJag();
    const exchanged = await exchange(assistant, assertion);
    expect(exchanged).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: expect.stringMatching(/this is an ID-JAG: an agent redeems it/),
      },
    });
    const onTheApi = await graphql(service.graphqlUrl, viewerQuery, {}, assertion);
    expect(onTheApi.errors?.[0]?.message).toMatch(/this is an ID-JAG/);
    // An ID-JAG naming only another server's resource gives no token for this one.
    const elsewhere = await redeem(assistant, await idJag({ resource: 'https://elsewhere.test/api' }));
    expect(elsewhere).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
    // One naming this server's MCP endpoint gives a token for it alone.
    const forMcp = await redeem(assistant, await idJag({ resource: `${service.url}/mcp` }));
    expect(forMcp.status, JSON.stringify(forMcp.body)).toBe(200);
    expect(decodeJwt(forMcp.body.access_token!).aud).toBe(`${service.url}/mcp`);
  });

  it('refuses wrong typ, wrong aud, expired, client_id mismatch, missing jti, untrusted or non-ID-JAG issuers, alg none and HS256 key confusion', async () => {
    const header = (alg: string) =>
      Buffer.from(JSON.stringify({ alg, typ: idJagType })).toString('base64url');
    const payload = decodeJwt(await idJag());
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const hs256 = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: idJagType, kid: 'key-1' })
      .sign(new TextEncoder().encode(await okta.publicKeyPem()));
    const cases: [string, Promise<string> | string, string][] = [
      [
        'wrong typ',
        idJag({}, okta, 'JWT'),
        'the assertion\'s typ header is "JWT": an ID-JAG has typ oauth-id-jag+jwt',
      ],
      ['wrong aud', idJag({ aud: 'https://someone-else.test' }), "the ID-JAG's aud must be urn:aperture"],
      ['expired', idJag({ iat: now() - 900, exp: now() - 600 }), 'the ID-JAG has expired'],
      [
        'client_id mismatch',
        idJag({ client_id: stranger.clientId }),
        `the ID-JAG was issued for client ${stranger.clientId}, not for the authenticated client ${assistant.clientId}`,
      ],
      ['missing jti', idJag({ jti: undefined }), 'the ID-JAG has missing or malformed claims'],
      ['untrusted issuer', idJag({}, rogue), 'the ID-JAG was not issued by a trusted identity provider'],
      [
        'provider not configured for ID-JAGs',
        idJag({}, auth0),
        `${auth0.issuer} is not configured to issue ID-JAGs (add idJag to its entry in APERTURE_IDENTITY_PROVIDERS)`,
      ],
      [
        'alg none',
        `${header('none')}.${body}.`,
        'the ID-JAG is signed with an algorithm that is not accepted',
      ],
      ['HS256 with the public key', hs256, 'the ID-JAG is signed with an algorithm that is not accepted'],
      [
        'a lifetime longer than an ID-JAG has',
        idJag({ exp: now() + 3600 }),
        'the ID-JAG lives longer than 10 minutes (exp - iat): an ID-JAG is short-lived',
      ],
      ['issued long ago', idJag({ iat: now() - 1200, exp: now() + 60 }), 'the ID-JAG has expired'],
      [
        'unregistered actor',
        idJag({ act: { sub: '0oa8f5j3ecb5xqHiU0h7', sub_profile: 'ai_agent' } }),
        'act.sub names 0oa8f5j3ecb5xqHiU0h7 (issuer https://acme.okta.test), which is not a registered agent: register it with externalIdentities',
      ],
    ];
    for (const [what, assertion, message] of cases) {
      const result = await redeem(assistant, await assertion);
      expect({ what, ...result }).toEqual({
        what,
        status: 400,
        body: { error: 'invalid_grant', error_description: message },
      });
    }
    const refused = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'token.refused' },
      orderBy: { id: 'desc' },
    });
    expect(refused.payload).toMatchObject({
      error: 'invalid_grant',
      grant: 'id-jag',
      idJagIssuer: okta.issuer,
    });
  });

  it('refuses a suspended agent, a bad client secret, a missing assertion and an unknown grant type', async () => {
    expect((await redeem(dormant, await idJag({ client_id: dormant.clientId }))).body).toEqual({
      error: 'unauthorized_client',
      error_description: 'agent Enterprise dormant is suspended',
    });
    expect((await redeem({ ...assistant, clientSecret: 'wrong' }, await idJag())).status).toBe(401);
    expect((await redeem(assistant, '')).body).toEqual({
      error: 'invalid_request',
      error_description: 'assertion is required',
    });
    const response = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer',
        assertion: 'x',
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});
