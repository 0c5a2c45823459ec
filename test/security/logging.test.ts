import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { unsignedToken } from '../support/test-identity-provider.ts';
import { type LogLine, logLevels, useSurfaceWorld } from './support/surface-world.ts';

const t = useSurfaceWorld();

/** Sends `{ viewer { kind } }` with this Authorization header and a request id of our own. */
async function call(authorization: string) {
  const requestId = `attack-${randomUUID()}`;
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, 'x-request-id': requestId },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  return { requestId, status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The lines of one request, once the access line (written when the response finished) is there. */
async function linesOf(requestId: string): Promise<LogLine[]> {
  await expect.poll(() => t.linesOf(requestId).some((line) => line.msg === 'request')).toBe(true);
  return t.linesOf(requestId);
}

const badTokens: [string, string, () => Promise<string>][] = [
  ['an expired identity token', 'expired', () => t.idp.token('ana@acme.test', { expiresInSeconds: -60 })],
  [
    'an identity token for another audience',
    'wrong_audience',
    () => t.idp.token('ana@acme.test', { audience: 'someone-else' }),
  ],
  [
    'an identity token naming another issuer',
    'untrusted_issuer',
    () => t.idp.token('ana@acme.test', { issuer: 'https://evil.example' }),
  ],
  [
    'an unsigned token (alg none)',
    'bad_algorithm',
    async () =>
      unsignedToken({
        iss: t.idp.issuer,
        aud: t.idp.audience,
        email: 'gina@acme.test',
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
  ],
  ['garbage', 'not_a_jwt', async () => 'not.a.jwt'],
  ['the token a human hands an agent', 'exchange_only', () => t.idp.subjectToken('ana@acme.test')],
];

describe('a refused bearer token is one INFO line with the request id and a reason, never a stack', () => {
  it.each(badTokens)('%s', async (_name, reason, make) => {
    const token = await make();
    const answer = await call(`Bearer ${token}`);
    expect(answer.status).toBe(401);
    const lines = await linesOf(answer.requestId);
    const refusal = lines.filter((line) => line.msg !== 'request');
    expect(refusal).toEqual([
      expect.objectContaining({
        level: logLevels.info,
        requestId: answer.requestId,
        reason,
        msg: 'bearer token refused',
      }),
    ]);
    for (const line of lines) {
      expect(line.level).toBeLessThan(logLevels.warn);
      expect(JSON.stringify(line)).not.toContain('stack');
      expect(JSON.stringify(line)).not.toContain(token);
      if (token.length > 40) expect(JSON.stringify(line)).not.toContain(token.split('.')[1]);
    }
  });

  it("the caller gets our stable code and our message, never the library's", async () => {
    const answers = await Promise.all(
      badTokens.map(async ([, , make]) => (await call(`Bearer ${await make()}`)).body),
    );
    expect(answers).toEqual([
      refusedWith('the identity token has expired'),
      refusedWith('the identity token is not meant for this service'),
      refusedWith('the token was not issued by a trusted identity provider'),
      refusedWith('the identity token is signed with an algorithm that is not accepted'),
      refusedWith('the token is not a JWT'),
      refusedWith(
        'this token can only be exchanged at /oauth/token: an agent exchanges it, authenticated with its own client credentials, for a delegation token (RFC 8693 token exchange, this token as subject_token) and calls the API with that',
      ),
    ]);
    expect(JSON.stringify(answers)).not.toMatch(/claim value|JWS|JWT(Expired|ClaimValidationFailed)/);
  });

  it('a token signed with HS256 over the provider public key (key confusion) is refused the same quiet way', async () => {
    const pem = await t.idp.publicKeyPem();
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ email: 'gina@acme.test' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(t.idp.issuer)
      .setAudience(t.idp.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(pem));
    const answer = await call(`Bearer ${forged}`);
    expect(answer.body).toEqual(
      refusedWith('the identity token is signed with an algorithm that is not accepted'),
    );
    const lines = await linesOf(answer.requestId);
    expect(lines.filter((line) => line.msg !== 'request')).toEqual([
      expect.objectContaining({ level: logLevels.info, reason: 'bad_algorithm' }),
    ]);
  });

  it('an expected refusal inside an operation (a bad argument) logs nothing at WARN or above', async () => {
    const token = await t.world.humanToken('ana@acme.test');
    const requestId = `attack-${randomUUID()}`;
    await fetch(t.world.service.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({
        query: '{ agents { edges { node { name } } } datasets(first: -1) { totalCount } }',
      }),
    });
    const lines = await linesOf(requestId);
    expect(lines.filter((line) => line.level >= logLevels.warn)).toEqual([]);
  });
});

function refusedWith(message: string) {
  return { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] };
}
