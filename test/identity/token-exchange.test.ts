import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { SigningKeys } from '../../src/identity/tokens/signing-keys.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import { GovernanceClient } from '../support/governance-client.ts';
import { graphql } from '../support/graphql-client.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider, unsignedToken } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService, testPeopleFile } from '../support/test-service.ts';
import { type WitnessedAuditLog, witnessedAuditLog } from '../support/witnessed-audit-log.ts';

let db: TestDatabase;
let service: RunningService;
let idp: TestIdentityProvider;
let governance: GovernanceClient;
type Client = { clientId: string; clientSecret: string };
let assistant: Client; // top-level agent, may delegate one level
let researcher: Client; // sub-agent of assistant
let deepHelper: Client; // sub-agent of researcher (researcher may not delegate)
let stranger: Client; // an unrelated top-level agent

let auditLog: WitnessedAuditLog;

const viewerQuery = '{ viewer { kind human { email } chain { clientId } intent taskId tokenId } }';

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  idp = await TestIdentityProvider.create();
  // The service signs checkpoints with the same key and witness as the test's own sequencer rounds.
  auditLog = await witnessedAuditLog(db.prisma);
  service = await startTestService(db, { providers: [await idp.serveJwks()], env: auditLog.env });
  governance = new GovernanceClient(service.graphqlUrl, await idp.token('gina@acme.test'));
  await governance.createIntent({
    name: 'analytics',
    description: 'Answer business questions',
    allowedTiers: ['DISCOVER', 'READ'],
  });
  await governance.createIntent({
    name: 'finance-close',
    description: 'Month-end close',
    allowedTiers: ['READ'],
    maxTokenLifetimeSeconds: 120,
  });
  assistant = await governance.registerAgent({
    name: 'SQL assistant',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics', 'finance-close'],
    maxDelegationDepth: 1,
    ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL', excludedTags: ['pii:ssn'] },
  });
  researcher = await governance.registerAgent({
    name: 'Schema researcher',
    ownerEmail: 'bob@acme.test',
    parentClientId: assistant.clientId,
    allowedIntents: ['analytics', 'finance-close'],
  });
  deepHelper = await governance.registerAgent({
    name: 'Deep helper',
    ownerEmail: 'bob@acme.test',
    parentClientId: researcher.clientId,
    allowedIntents: ['analytics'],
  });
  stranger = await governance.registerAgent({
    name: 'Stranger',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics'],
  });
});
afterAll(async () => {
  await service.stop();
  await idp.close();
  await db.dispose();
});

async function agentToken(client: Client, subjectToken: string, params: Record<string, string> = {}) {
  const result = await exchangeToken(service.url, client, { subject_token: subjectToken, ...params });
  if (result.status !== 200) throw new Error(JSON.stringify(result.body));
  return result.body.access_token!;
}

describe('token exchange (RFC 8693)', () => {
  it('issues a delegation token: sub is the human, act the agent by client id (actor profile), with intent, task and jti', async () => {
    const result = await exchangeToken(service.url, assistant, {
      subject_token: await idp.subjectToken('ana@acme.test'),
      intent: 'analytics',
      task_id: 'task-42',
    });
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.body).toMatchObject({
      token_type: 'Bearer',
      issued_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    });
    expect(result.body.expires_in).toBeGreaterThan(590);
    expect(result.body.expires_in).toBeLessThanOrEqual(600);
    const claims = decodeJwt(result.body.access_token!);
    const ana = await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } });
    const agent = await db.prisma.agent.findUniqueOrThrow({ where: { clientId: assistant.clientId } });
    expect(claims).toEqual({
      iss: 'urn:aperture',
      aud: 'aperture',
      sub: ana.id,
      sub_profile: 'user',
      act: {
        sub: assistant.clientId,
        iss: 'urn:aperture',
        sub_profile: 'ai_agent',
        aperture_agent_id: agent.id,
      },
      client_id: assistant.clientId,
      intent: 'analytics',
      task_id: 'task-42',
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
    });

    const viewer = await graphql(service.graphqlUrl, viewerQuery, {}, result.body.access_token);
    expect(viewer.data).toEqual({
      viewer: {
        kind: 'AGENT',
        human: { email: 'ana@acme.test' },
        chain: [{ clientId: assistant.clientId }],
        intent: 'analytics',
        taskId: 'task-42',
        tokenId: claims.jti,
      },
    });
  });

  it('accepts client_secret_post as well as HTTP Basic', async () => {
    const result = await exchangeToken(
      service.url,
      assistant,
      { subject_token: await idp.subjectToken('ana@acme.test'), intent: 'analytics' },
      { clientAuth: 'post' },
    );
    expect(result.status).toBe(200);
  });

  it('a sub-agent exchanges its parent delegation token: nested act, inherited intent', async () => {
    const parentToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const childToken = await agentToken(researcher, parentToken);
    const [parentAgent, childAgent] = await Promise.all(
      [assistant, researcher].map((client) =>
        db.prisma.agent.findUniqueOrThrow({ where: { clientId: client.clientId } }),
      ),
    );
    expect(decodeJwt(childToken)).toMatchObject({
      sub_profile: 'user',
      act: {
        sub: researcher.clientId,
        iss: 'urn:aperture',
        sub_profile: 'ai_agent',
        aperture_agent_id: childAgent!.id,
        act: {
          sub: assistant.clientId,
          iss: 'urn:aperture',
          sub_profile: 'ai_agent',
          aperture_agent_id: parentAgent!.id,
        },
      },
      client_id: researcher.clientId,
      intent: 'analytics',
    });
    // The audit log keeps naming agents by id, outermost last.
    const exchanged = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'token.exchanged', subjectId: decodeJwt(childToken).jti! },
    });
    expect(exchanged.actorChain).toEqual([parentAgent!.id, childAgent!.id]);
    const viewer = await graphql(service.graphqlUrl, viewerQuery, {}, childToken);
    expect(viewer.data?.viewer).toMatchObject({
      kind: 'AGENT',
      chain: [{ clientId: assistant.clientId }, { clientId: researcher.clientId }],
      intent: 'analytics',
    });
  });

  it('tokens of the first shape (act.sub the internal agent id), issued before an upgrade, keep working until they expire', async () => {
    const current = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const legacy = await inFirstShape(current);
    expect(decodeJwt(legacy).act).toEqual({ sub: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, legacy)).data?.viewer).toMatchObject({
      kind: 'AGENT',
      chain: [{ clientId: assistant.clientId }],
    });
    // A sub-agent exchanging it gets a token of the current shape, naming both agents by client id.
    const child = decodeJwt(await agentToken(researcher, legacy));
    expect(child.act).toMatchObject({
      sub: researcher.clientId,
      act: { sub: assistant.clientId, sub_profile: 'ai_agent' },
    });
  });

  it('never outlives the subject token, nor the intent maximum', async () => {
    const short = await exchangeToken(service.url, assistant, {
      subject_token: await idp.subjectToken('ana@acme.test', { expiresInSeconds: 60 }),
      intent: 'analytics',
    });
    expect(short.body.expires_in).toBeLessThanOrEqual(60);
    const finance = await exchangeToken(service.url, assistant, {
      subject_token: await idp.subjectToken('ana@acme.test'),
      intent: 'finance-close',
    });
    expect(finance.body.expires_in).toBeLessThanOrEqual(120);
  });

  it('publishes its keys and metadata', async () => {
    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as {
      keys: { kty: string; crv: string; kid: string }[];
    };
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String) });
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
    const metadata = (await (
      await fetch(`${service.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: 'urn:aperture',
      token_endpoint: `${service.url}/oauth/token`,
      grant_types_supported: [
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
    });
  });
});

describe('refusals, from the attacker side', () => {
  it('wrong secret and unknown client id look the same, and both pay the slow hash', async () => {
    const subject = await idp.subjectToken('ana@acme.test');
    const wrongSecret = await exchangeToken(
      service.url,
      { ...assistant, clientSecret: 'aps_guess' },
      { subject_token: subject, intent: 'analytics' },
    );
    const unknownId = await exchangeToken(
      service.url,
      { clientId: 'agt_doesnotexist000000', clientSecret: 'aps_guess' },
      { subject_token: subject, intent: 'analytics' },
    );
    expect(wrongSecret.status).toBe(401);
    expect(unknownId.status).toBe(401);
    expect(wrongSecret.body).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
    expect(unknownId.body).toEqual(wrongSecret.body);
    expect(wrongSecret.headers.get('www-authenticate')).toBe('Basic realm="aperture"');
    // scrypt takes tens of milliseconds: an unknown id must not answer fast.
    expect(unknownId.ms).toBeGreaterThan(10);
    expect(wrongSecret.ms).toBeGreaterThan(10);
  });

  const badSubjects: [string, () => Promise<string>][] = [
    ['a token signed by another key', async () => forgedToken('ana@acme.test')],
    ['an expired token', async () => idp.subjectToken('ana@acme.test', { expiresInSeconds: -120 })],
    [
      'a token for another audience',
      async () => idp.subjectToken('ana@acme.test', { audience: 'someone-else' }),
    ],
    [
      'a token from an untrusted issuer',
      async () => idp.subjectToken('ana@acme.test', { issuer: 'https://evil.example' }),
    ],
    [
      'an unsigned token (alg: none)',
      async () =>
        unsignedToken({ iss: idp.issuer, aud: idp.exchangeAudience, email: 'ana@acme.test', exp: 4e9 }),
    ],
    ['an HS256 token signed with the public key', async () => keyConfusionToken('ana@acme.test')],
    ['a token for an unknown person', async () => idp.subjectToken('mallory@evil.example')],
    ['garbage', async () => 'not.a.jwt'],
    ["a token meant for the human's own API calls", async () => idp.token('ana@acme.test')],
  ];

  it.each(badSubjects)('refuses %s as invalid_grant and issues nothing', async (_name, make) => {
    const before = await db.prisma.delegationToken.count();
    const result = await exchangeToken(service.url, assistant, {
      subject_token: await make(),
      intent: 'analytics',
    });
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
    expect(result.body.access_token).toBeUndefined();
    expect(await db.prisma.delegationToken.count()).toBe(before);
  });

  it('an agent holding the subject token a human handed it cannot call the API as that human', async () => {
    const handedOver = await idp.subjectToken('gina@acme.test');
    const result = await graphql(
      service.graphqlUrl,
      '{ agents { edges { node { name } } } }',
      {},
      handedOver,
    );
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.message).toMatch(/^this token can only be exchanged at \/oauth\/token: /);
  });

  it('a sub-agent stays on its parent task', async () => {
    const parentToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
      task_id: 'ticket-1',
    });
    expect(decodeJwt(await agentToken(researcher, parentToken))).toMatchObject({ task_id: 'ticket-1' });
    const switched = await exchangeToken(service.url, researcher, {
      subject_token: parentToken,
      task_id: 'ticket-2',
    });
    expect(switched.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/task ticket-1/),
    });
  });

  it('a sub-agent cannot skip its parent by presenting the human token', async () => {
    const result = await exchangeToken(service.url, researcher, {
      subject_token: await idp.subjectToken('ana@acme.test'),
      intent: 'analytics',
    });
    expect(result.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/parent/),
    });
  });

  it("an agent cannot replay another agent's delegation token (claiming a parent it does not have)", async () => {
    const assistantToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const result = await exchangeToken(service.url, stranger, { subject_token: assistantToken });
    expect(result.body).toEqual({
      error: 'invalid_grant',
      error_description:
        'subject_token is a delegation token, and agent Stranger is not a sub-agent: exchange the token the human issued for agents',
    });
    const ownAgain = await exchangeToken(service.url, assistant, { subject_token: assistantToken });
    expect(ownAgain.body.error_description).toMatch(/agent SQL assistant is not a sub-agent/);
    const otherParent = await agentToken(stranger, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    expect((await exchangeToken(service.url, researcher, { subject_token: otherParent })).body).toEqual({
      error: 'invalid_grant',
      error_description: 'subject_token was not issued to the parent of agent Schema researcher',
    });
  });

  it('a sub-agent cannot widen or change the intent it inherits', async () => {
    const parentToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const result = await exchangeToken(service.url, researcher, {
      subject_token: parentToken,
      intent: 'finance-close',
    });
    expect(result.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/inherits the intent analytics/),
    });
  });

  it('an intent the agent is not allowed is refused', async () => {
    await governance.createIntent({
      name: 'hr-review',
      description: 'HR reviews',
      allowedTiers: ['DISCOVER'],
    });
    const result = await exchangeToken(service.url, stranger, {
      subject_token: await idp.subjectToken('ana@acme.test'),
      intent: 'hr-review',
    });
    expect(result.body).toMatchObject({ error: 'unauthorized_client' });
    const unknown = await exchangeToken(service.url, stranger, {
      subject_token: await idp.subjectToken('ana@acme.test'),
      intent: 'nope',
    });
    expect(unknown.body).toMatchObject({
      error: 'invalid_request',
      error_description: 'intent nope does not exist',
    });
  });

  it('refuses delegation deeper than a hop allows', async () => {
    const parentToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const childToken = await agentToken(researcher, parentToken);
    const result = await exchangeToken(service.url, deepHelper, { subject_token: childToken });
    expect(result.body).toMatchObject({
      error: 'unauthorized_client',
      error_description: expect.stringMatching(/may delegate at most/),
    });
  });

  it('refuses malformed requests, other grant types, other audiences and oversized tokens', async () => {
    const subject = await idp.subjectToken('ana@acme.test');
    expect(
      (
        await exchangeToken(service.url, assistant, {
          subject_token: subject,
          grant_type: 'client_credentials',
        })
      ).body.error,
    ).toBe('unsupported_grant_type');
    expect((await exchangeToken(service.url, assistant, { intent: 'analytics' })).body.error).toBe(
      'invalid_request',
    );
    expect((await exchangeToken(service.url, assistant, { subject_token: subject })).body).toMatchObject({
      error: 'invalid_request',
      error_description: 'intent is required',
    });
    expect(
      (
        await exchangeToken(service.url, assistant, {
          subject_token: subject,
          intent: 'analytics',
          audience: 'other',
        })
      ).body.error,
    ).toBe('invalid_target');
    expect(
      (await exchangeToken(service.url, assistant, { subject_token: 'x'.repeat(9_000), intent: 'analytics' }))
        .body.error,
    ).toBe('invalid_request');
    const noClient = await exchangeToken(service.url, null, { subject_token: subject, intent: 'analytics' });
    expect(noClient).toMatchObject({
      status: 401,
      body: {
        error: 'invalid_client',
        error_description:
          "client authentication is required: send the agent's client id and secret (HTTP Basic, or client_id and client_secret in the body)",
      },
    });
  });

  it('rejects oversized or malformed bearer tokens on GraphQL', async () => {
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, 'x'.repeat(9_000))).status).toBe(401);
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, 'not-a-jwt')).status).toBe(401);
    const forged = await graphql(service.graphqlUrl, viewerQuery, {}, await forgedToken('gina@acme.test'));
    expect(forged.status).toBe(401);
  });
});

describe('changes act on the next call', () => {
  it('suspending an agent stops its tokens and its sub-agents tokens; reactivating restores them', async () => {
    const parentToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const childToken = await agentToken(researcher, parentToken);
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, childToken)).status).toBe(200);

    expect((await governance.agentMutation('suspendAgent', assistant.clientId)).data).toEqual({
      suspendAgent: { status: 'SUSPENDED' },
    });
    for (const token of [parentToken, childToken]) {
      const result = await graphql(service.graphqlUrl, viewerQuery, {}, token);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.message).toMatch(/SQL assistant is suspended/);
    }
    const refused = await exchangeToken(service.url, assistant, {
      subject_token: await idp.subjectToken('ana@acme.test'),
      intent: 'analytics',
    });
    expect(refused.body).toMatchObject({
      error: 'unauthorized_client',
      error_description: 'agent SQL assistant is suspended',
    });

    await governance.agentMutation('reactivateAgent', assistant.clientId);
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, childToken)).status).toBe(200);
  });

  it('revoking a token revokes the tokens derived from it', async () => {
    const parentToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const childToken = await agentToken(researcher, parentToken);
    const revoked = await governance.run('mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }', {
      id: decodeJwt(parentToken).jti,
    });
    expect(revoked.data?.revokeDelegationToken).toEqual(
      expect.arrayContaining([decodeJwt(parentToken).jti, decodeJwt(childToken).jti]),
    );
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, childToken)).errors?.[0]?.message).toMatch(
      /revoked/,
    );
    expect((await exchangeToken(service.url, researcher, { subject_token: parentToken })).body.error).toBe(
      'invalid_grant',
    );
  });

  it("narrowing an agent's intents stops its tokens for the removed intent", async () => {
    const agent = await governance.registerAgent({
      name: 'Narrowed agent',
      ownerEmail: 'bob@acme.test',
      allowedIntents: ['analytics', 'finance-close'],
    });
    const token = await agentToken(agent, await idp.subjectToken('ana@acme.test'), {
      intent: 'finance-close',
    });
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, token)).status).toBe(200);
    const updated = await governance.run(
      'mutation ($clientId: String!) { updateAgent(clientId: $clientId, input: { allowedIntents: ["analytics"] }) { allowedIntents } }',
      { clientId: agent.clientId },
    );
    expect(updated.data).toEqual({ updateAgent: { allowedIntents: ['analytics'] } });
    const after = await graphql(service.graphqlUrl, viewerQuery, {}, token);
    expect(after.errors?.[0]?.message).toMatch(/may not act for intent finance-close/);
  });

  it('revoking a token while sub-agents exchange it leaves no working child', async () => {
    const parentToken = await agentToken(assistant, await idp.subjectToken('ana@acme.test'), {
      intent: 'analytics',
    });
    const exchanges = Array.from({ length: 12 }, () =>
      exchangeToken(service.url, researcher, { subject_token: parentToken }),
    );
    const revocation = governance.run('mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }', {
      id: decodeJwt(parentToken).jti,
    });
    const [results] = await Promise.all([Promise.all(exchanges), revocation]);
    for (const result of results.filter((candidate) => candidate.status === 200)) {
      const viewer = await graphql(service.graphqlUrl, viewerQuery, {}, result.body.access_token);
      expect(viewer.status).toBe(401);
    }
    const children = await db.prisma.delegationToken.findMany({
      where: { parentJti: decodeJwt(parentToken).jti ?? null },
    });
    expect(children.every((child) => child.revokedAt !== null)).toBe(true);
  });

  it('deleting an intent stops its tokens', async () => {
    await governance.createIntent({
      name: 'temporary',
      description: 'Short-lived purpose',
      allowedTiers: ['DISCOVER'],
    });
    const agent = await governance.registerAgent({
      name: 'Temp agent',
      ownerEmail: 'bob@acme.test',
      allowedIntents: ['temporary'],
    });
    const token = await agentToken(agent, await idp.subjectToken('ana@acme.test'), { intent: 'temporary' });
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, token)).status).toBe(200);
    await governance.run('mutation { deleteIntent(name: "temporary") { name } }');
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, token)).errors?.[0]?.message).toMatch(
      /intent temporary does not exist/,
    );
  });

  it('a human removed from the people file loses access; re-adding restores it', async () => {
    const token = await idp.token('bob@acme.test');
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, token)).status).toBe(200);
    const people = JSON.parse(await readFile(testPeopleFile, 'utf8')) as { email: string }[];
    const withoutBob = path.join(await mkdtemp(path.join(tmpdir(), 'people-')), 'people.json');
    await writeFile(withoutBob, JSON.stringify(people.filter((person) => person.email !== 'bob@acme.test')));
    // The import runs elsewhere (another process or replica): the service learns of it by notification.
    await applyPeople(db.prisma, withoutBob, await parsePeopleFile(withoutBob));
    const status = () => graphql(service.graphqlUrl, viewerQuery, {}, token).then((result) => result.status);
    await expect.poll(status, { timeout: 2_000 }).toBe(401);
    await loadTestPeople(db);
    await expect.poll(status, { timeout: 2_000 }).toBe(200);
  });

  it('another replica sees a suspension through the database change feed', async () => {
    const replica = await startTestService(db, { providers: [await idp.serveJwks()], env: auditLog.env });
    try {
      const agent = await governance.registerAgent({
        name: 'Replica agent',
        ownerEmail: 'bob@acme.test',
        allowedIntents: ['analytics'],
      });
      const token = await agentToken(agent, await idp.subjectToken('ana@acme.test'), { intent: 'analytics' });
      const status = () =>
        graphql(replica.graphqlUrl, viewerQuery, {}, token).then((result) => result.status);
      expect(await status()).toBe(200);
      await governance.agentMutation('suspendAgent', agent.clientId);
      await expect.poll(status, { timeout: 2_000 }).toBe(401);
    } finally {
      await replica.stop();
    }
  });

  it("follows the identity provider's key rotation (a new kid in its JWKS)", async () => {
    await idp.addKey('key-2');
    const token = await idp.token('ana@acme.test', { kid: 'key-2' });
    expect((await graphql(service.graphqlUrl, viewerQuery, {}, token)).status).toBe(200);
  });
});

describe('governance', () => {
  it('agent tokens and non-governance humans cannot govern; anonymous callers must authenticate', async () => {
    const agentBearer = await agentToken(assistant, await idp.subjectToken('gina@acme.test'), {
      intent: 'analytics',
    });
    const mutation = 'mutation { suspendAgent(clientId: "x") { status } }';
    const asAgent = await graphql(service.graphqlUrl, mutation, {}, agentBearer);
    expect(asAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asAna = await graphql(service.graphqlUrl, mutation, {}, await idp.token('ana@acme.test'));
    expect(asAna.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await graphql(service.graphqlUrl, mutation);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const list = await graphql(service.graphqlUrl, '{ agents { edges { node { name } } } }', {}, agentBearer);
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('validates registrations field by field and changes nothing on bad input', async () => {
    const before = await db.prisma.agent.count();
    const result = await governance.run(
      'mutation ($input: RegisterAgentInput!) { registerAgent(input: $input) { clientSecret } }',
      { input: { name: 'x', ownerEmail: 'nobody', allowedIntents: [], maxDelegationDepth: 99 } },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    const extensions = result.errors?.[0]?.extensions as { details: { problems: { location: string }[] } };
    const problems = extensions.details.problems;
    expect(problems.map((problem) => problem.location).sort()).toEqual([
      'allowedIntents',
      'maxDelegationDepth',
      'name',
      'ownerEmail',
    ]);
    expect(await db.prisma.agent.count()).toBe(before);
  });

  it('stores secrets only as scrypt hashes, and rotation revokes the old secret', async () => {
    const agent = await governance.registerAgent({
      name: 'Rotating agent',
      ownerEmail: 'bob@acme.test',
      allowedIntents: ['analytics'],
    });
    const stored = await db.prisma.agentCredential.findMany({
      where: { agent: { clientId: agent.clientId } },
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secretHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored[0]!.secretHash).not.toContain(agent.clientSecret);

    const rotated = await governance.run(
      'mutation ($clientId: String!) { rotateAgentSecret(clientId: $clientId) { clientSecret } }',
      { clientId: agent.clientId },
    );
    const newSecret = (rotated.data as { rotateAgentSecret: { clientSecret: string } }).rotateAgentSecret
      .clientSecret;
    const subject = await idp.subjectToken('ana@acme.test');
    expect(
      (await exchangeToken(service.url, agent, { subject_token: subject, intent: 'analytics' })).status,
    ).toBe(401);
    expect(
      (
        await exchangeToken(
          service.url,
          { ...agent, clientSecret: newSecret },
          { subject_token: subject, intent: 'analytics' },
        )
      ).status,
    ).toBe(200);
  });

  it('retiring is final', async () => {
    const agent = await governance.registerAgent({
      name: 'Old agent',
      ownerEmail: 'bob@acme.test',
      allowedIntents: ['analytics'],
    });
    expect((await governance.agentMutation('retireAgent', agent.clientId)).data).toEqual({
      retireAgent: { status: 'RETIRED' },
    });
    const again = await governance.agentMutation('reactivateAgent', agent.clientId);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(
      (
        await exchangeToken(service.url, agent, {
          subject_token: await idp.subjectToken('ana@acme.test'),
          intent: 'analytics',
        })
      ).status,
    ).toBe(401);
  });

  it('audits exchanges (granted and refused, with the reason), registrations and suspensions, and the chain verifies', async () => {
    const types = await db.prisma.auditEvent.groupBy({ by: ['type'], _count: true });
    const counts = Object.fromEntries(types.map((row) => [row.type, row._count]));
    expect(counts).toMatchObject({
      'token.exchanged': expect.any(Number),
      'token.refused': expect.any(Number),
      'agent.registered': expect.any(Number),
      'agent.suspended': 2,
      'agent.reactivated': 1,
      'agent.retired': 1,
      'agent.secret_rotated': 1,
      'agent.updated': 1,
      'intent.created': 4,
      'intent.deleted': 1,
      'token.revoked': 2,
    });
    const refusals = await db.prisma.auditEvent.findMany({
      where: { type: 'token.refused', payload: { path: ['error'], equals: 'invalid_client' } },
      orderBy: { id: 'asc' },
    });
    expect(refusals.map((refusal) => refusal.payload)).toContainEqual(
      expect.objectContaining({ reason: 'client authentication failed' }),
    );
    expect(JSON.stringify(refusals.map((refusal) => refusal.payload))).not.toMatch(/aps_/);
    const exchanged = await db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'token.exchanged' } });
    expect(exchanged.actorChain).toEqual([expect.any(String)]);
    await auditLog.sequence();
    expect((await auditLog.verify()).ok).toBe(true);
  });
});

/**
 * The same delegation token as aperture signed it before the actor profile: `act.sub` was the
 * agent's internal id, no `sub_profile`, and `client_id` that id too. Signed with the service's key.
 */
async function inFirstShape(token: string): Promise<string> {
  const claims = decodeJwt(token);
  const toFirstShape = (act: Record<string, unknown>): Record<string, unknown> => ({
    sub: act.aperture_agent_id,
    ...(act.act ? { act: toFirstShape(act.act as Record<string, unknown>) } : {}),
  });
  const { sub_profile: _profile, ...rest } = claims;
  const act = toFirstShape(claims.act as Record<string, unknown>);
  const { kid, key } = await new SigningKeys(db.prisma).signingKey();
  return new SignJWT({ ...rest, act, client_id: act.sub })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
    .sign(key);
}

/** A well-formed token for our IdP's issuer and audience, signed by a key the IdP never published. */
async function forgedToken(email: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ email })
    .setProtectedHeader({ alg: 'ES256', kid: 'key-1' })
    .setIssuer(idp.issuer)
    .setAudience(idp.exchangeAudience)
    .setExpirationTime('1h')
    .sign(privateKey);
}

/** The classic key-confusion attack: HS256 with the provider's public key as the HMAC secret. */
async function keyConfusionToken(email: string): Promise<string> {
  const secret = new TextEncoder().encode(await idp.publicKeyPem());
  return new SignJWT({ email })
    .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
    .setIssuer(idp.issuer)
    .setAudience(idp.exchangeAudience)
    .setExpirationTime('1h')
    .sign(secret);
}
