import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/client';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { exchangeToken } from '../support/oauth-client.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { connectMcp, mcpResource } from './support/mcp-client.ts';

// The MCP endpoint as an OAuth 2.1 resource server (RFC 9728 discovery, RFC 8707 audiences), and
// every refusal a bearer token can meet there.
const t = useRequestWorld();

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw-http', version: '1.0.0' },
  },
};

/** A raw POST to /mcp, as a client sends its first message. */
const postMcp = (authorization?: string) =>
  fetch(`${t.world.service.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify(initialize),
  });

const mcpToken = (email: string, agent = 'Auth agent') =>
  t.world.agentToken(email, { agent, resource: mcpResource(t.world.service.url) });

/** A refused token: 401, `invalid_token`, our reason, and the metadata URL again. */
async function expectInvalidToken(response: Response, description: string | RegExp): Promise<void> {
  expect(response.status).toBe(401);
  const challenge = extractWWWAuthenticateParams(response);
  expect(challenge.error).toBe('invalid_token');
  expect(challenge.errorDescription).toMatch(description);
  expect(challenge.resourceMetadataUrl?.href).toBe(
    `${t.world.service.url}/.well-known/oauth-protected-resource/mcp`,
  );
  expect(await response.json()).toMatchObject({ error: 'invalid_token' });
}

describe('discovery (RFC 9728)', () => {
  it('a 401 without a token names the metadata; it names /mcp and our authorization server', async () => {
    const response = await postMcp();
    expect(response.status).toBe(401);
    const header = response.headers.get('www-authenticate')!;
    expect(header).toBe(
      `Bearer resource_metadata="${t.world.service.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    // The SDK's own client reads the challenge and fetches the metadata from it.
    const { resourceMetadataUrl, error } = extractWWWAuthenticateParams(response);
    expect(error).toBeUndefined();
    const metadata = await discoverOAuthProtectedResourceMetadata(`${t.world.service.url}/mcp`, {
      resourceMetadataUrl: resourceMetadataUrl!,
    });
    expect(metadata).toEqual({
      resource: `${t.world.service.url}/mcp`,
      authorization_servers: [t.world.service.url],
      bearer_methods_supported: ['header'],
      resource_name: 'aperture MCP',
    });
    // The path-aware well-known URL is found without the challenge too.
    expect(await discoverOAuthProtectedResourceMetadata(`${t.world.service.url}/mcp`)).toEqual(metadata);
    // The authorization server it names publishes its token endpoint (RFC 8414).
    const server = await fetch(
      `${metadata.authorization_servers![0]}/.well-known/oauth-authorization-server`,
    );
    expect(await server.json()).toMatchObject({
      token_endpoint: `${t.world.service.url}/oauth/token`,
      grant_types_supported: [
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
    });
  });

  it('a token asked for our resource is issued for it alone, and the SDK client connects with it', async () => {
    const token = await mcpToken('ana@acme.test');
    expect(decodeJwt(token).aud).toBe(`${t.world.service.url}/mcp`);
    const client = await connectMcp(t.world.service.url, token);
    try {
      const me = await client.callTool({ name: 'whoami', arguments: {} });
      expect(me.structuredContent).toMatchObject({ human: { email: 'ana@acme.test' } });
    } finally {
      await client.close();
    }
  });

  it('the exchange refuses a resource other than ours (invalid_target), and issues nothing', async () => {
    const agent = await t.world.agentCredentials('Auth agent');
    for (const resource of [
      'https://other.example/mcp',
      `${t.world.service.url}/graphql`,
      `${t.world.service.url}/mcp/x`,
    ]) {
      const refused = await exchangeToken(t.world.service.url, agent, {
        subject_token: await t.idp.subjectToken('ana@acme.test'),
        intent: 'analytics',
        resource,
      });
      expect(refused.status, resource).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_target' });
      expect(refused.body.access_token).toBeUndefined();
    }
  });
});

describe('refused tokens', () => {
  it('a delegation token for the API (GraphQL audience) is not taken at /mcp', async () => {
    const apiToken = await t.world.agentToken('ana@acme.test', { agent: 'Auth agent' });
    await expectInvalidToken(
      await postMcp(`Bearer ${apiToken}`),
      'the delegation token was not issued for this resource',
    );
  });

  it('a token for /mcp is not taken at /graphql: no passthrough in either direction', async () => {
    const token = await mcpToken('ana@acme.test');
    const answer = await t.world.gql(token, '{ viewer { intent } }');
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("a person's own token is refused: only delegation tokens issued for /mcp", async () => {
    const own = await t.world.humanToken('ana@acme.test');
    await expectInvalidToken(await postMcp(`Bearer ${own}`), /exchange your token at \/oauth\/token/);
    // Even the one meant for exchange, which an agent holds.
    const forExchange = await t.idp.subjectToken('ana@acme.test');
    await expectInvalidToken(await postMcp(`Bearer ${forExchange}`), /exchange your token/);
  });

  it('a revoked token is refused on the next request, and the SDK client is refused', async () => {
    const token = await mcpToken('ana@acme.test');
    expect((await postMcp(`Bearer ${token}`)).status).toBe(200);
    const revoked = await t.world.governance.run(
      'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }',
      { id: decodeJwt(token).jti },
    );
    expect(revoked.errors).toBeUndefined();
    await expectInvalidToken(await postMcp(`Bearer ${token}`), 'the delegation token was revoked');
    await expect(connectMcp(t.world.service.url, token)).rejects.toThrow(/invalid_token|HTTP 401/);
  });

  it("a suspended agent's token is refused at once", async () => {
    const agent = await t.world.governance.registerAgent({
      name: 'Auth suspended',
      ownerEmail: 'ana@acme.test',
      allowedIntents: ['analytics'],
      ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
    });
    const exchanged = await exchangeToken(t.world.service.url, agent, {
      subject_token: await t.idp.subjectToken('ana@acme.test'),
      intent: 'analytics',
      resource: mcpResource(t.world.service.url),
    });
    const token = exchanged.body.access_token!;
    expect((await postMcp(`Bearer ${token}`)).status).toBe(200);
    await t.world.governance.agentMutation('suspendAgent', agent.clientId);
    await expectInvalidToken(
      await postMcp(`Bearer ${token}`),
      'the delegation no longer holds: agent Auth suspended is suspended',
    );
  });

  it('malformed and forged tokens are refused the same way, with nothing of the library in the answer', async () => {
    const token = await mcpToken('ana@acme.test');
    const [header, payload] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: 'someone-else' })).toString('base64url')}.${token.split('.')[2]}`;
    for (const [authorization, reason] of [
      ['Bearer not-a-jwt', /not a JWT/],
      [`Bearer ${forged}`, /invalid signature/],
      [`Bearer ${header}.${payload}.`, /./],
      [`Basic ${Buffer.from('a:b').toString('base64')}`, /Authorization: Bearer/],
    ] as const) {
      const response = await postMcp(authorization);
      const text = response.headers.get('www-authenticate') ?? '';
      expect(text).not.toMatch(/jose|JWS|JWT[A-Z]\w+Error|"aud" claim/);
      await expectInvalidToken(response, reason);
    }
  });
});
