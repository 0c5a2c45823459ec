import { randomUUID } from 'node:crypto';
import { decodeJwt, exportSPKI, importJWK, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { unsignedToken } from '../support/test-identity-provider.ts';

const t = useRequestWorld();

const viewerQuery = '{ viewer { kind human { email } chain { clientId } intent } }';

/** Posts the viewer query with exactly these headers (no helper adding its own Authorization). */
async function callWith(headers: Headers) {
  headers.set('content-type', 'application/json');
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: viewerQuery }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const bearer = (token: string) => callWith(new Headers({ authorization: `Bearer ${token}` }));

const refused = (message: string) => ({
  status: 401,
  body: { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] },
});

/** Replaces claims of a signed token's payload, keeping its header and signature. */
function tampered(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

let agentToken: string;
beforeAll(async () => {
  agentToken = await t.world.agentToken('ana@acme.test', { agent: 'Bearer target' });
});

describe('forged delegation tokens', () => {
  it('an unsigned delegation token (alg none) with our issuer and audience is refused', async () => {
    const claims = decodeJwt(agentToken);
    expect(await bearer(unsignedToken({ ...claims, sub: claims.sub }))).toEqual(
      refused('the delegation token is signed with an algorithm that is not accepted'),
    );
  });

  it('HS256 signed with our own published public key (key confusion) is refused', async () => {
    const jwks = (await (await fetch(`${t.world.service.url}/.well-known/jwks.json`)).json()) as {
      keys: JWK[];
    };
    const pem = await exportSPKI((await importJWK(jwks.keys[0]!, 'EdDSA')) as CryptoKey);
    const claims = decodeJwt(agentToken);
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwks.keys[0]!.kid! })
      .sign(new TextEncoder().encode(pem));
    expect(await bearer(forged)).toEqual(
      refused('the delegation token is signed with an algorithm that is not accepted'),
    );
  });

  it('a tampered payload (another human, a later expiry) fails the signature', async () => {
    const bob = await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'bob@acme.test' } });
    for (const change of [
      (claims: Record<string, unknown>) => (claims.sub = bob.id),
      (claims: Record<string, unknown>) => (claims.exp = Math.floor(Date.now() / 1000) + 86_400),
      (claims: Record<string, unknown>) => (claims.intent = 'finance-close'),
    ]) {
      expect(await bearer(tampered(agentToken, change))).toEqual(
        refused('the delegation token has an invalid signature'),
      );
    }
  });

  it('a tampered act chain (claiming to be another agent) fails the signature', async () => {
    const forged = tampered(agentToken, (claims) => {
      claims.act = { sub: randomUUID(), act: claims.act };
    });
    expect(await bearer(forged)).toEqual(refused('the delegation token has an invalid signature'));
  });
});

describe('forged and misused identity tokens', () => {
  it('an expired identity token is refused', async () => {
    expect(await bearer(await t.idp.token('gina@acme.test', { expiresInSeconds: -5 }))).toEqual(
      refused('the identity token has expired'),
    );
  });

  it('an identity token that is not valid yet (nbf in the future) is refused', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect(await bearer(await t.idp.token('gina@acme.test', { claims: { nbf: future } }))).toEqual(
      refused('the identity token is not valid yet'),
    );
  });

  it('a token from an issuer we do not trust, or for an audience that is not ours, is refused', async () => {
    expect(await bearer(await t.idp.token('gina@acme.test', { issuer: 'https://idp.evil.example' }))).toEqual(
      refused('the token was not issued by a trusted identity provider'),
    );
    expect(await bearer(await t.idp.token('gina@acme.test', { audience: 'another-service' }))).toEqual(
      refused('the identity token is not meant for this service'),
    );
  });

  it('the token a human hands an agent (exchange audience) cannot be replayed on the API, and says where it works', async () => {
    expect(await bearer(await t.idp.subjectToken('gina@acme.test'))).toEqual(
      refused(
        'this token can only be exchanged at /oauth/token: an agent exchanges it, authenticated with its own client credentials, for a delegation token (RFC 8693 token exchange, this token as subject_token) and calls the API with that',
      ),
    );
  });

  it('only a genuine exchange token is told where it works: a forged one is refused for its signature', async () => {
    const genuine = await t.idp.subjectToken('gina@acme.test');
    const forged = tampered(genuine, (claims) => {
      claims.email = 'ana@acme.test';
    });
    expect(await bearer(forged)).toEqual(refused('the identity token has an invalid signature'));
  });

  it('a provider saying the email is unverified does not vouch for it', async () => {
    expect(await bearer(await t.idp.token('gina@acme.test', { claims: { email_verified: false } }))).toEqual(
      refused('the identity token has an unverified email'),
    );
  });
});

describe('the Authorization header itself', () => {
  it('an oversized token is refused before any parsing', async () => {
    expect(await bearer(`${agentToken}${'A'.repeat(9_000)}`)).toEqual(refused('the token is too large'));
  });

  it('a second token after a space, another scheme or an empty bearer are refused', async () => {
    const malformed = refused('use the header Authorization: Bearer <token>');
    for (const value of [
      `Bearer ${agentToken} ${agentToken}`,
      `Basic ${agentToken}`,
      `Bearer  ${agentToken}`,
    ]) {
      expect(await callWith(new Headers({ authorization: value }))).toEqual(malformed);
    }
    // An empty bearer (an unset shell variable) is told so.
    expect(await callWith(new Headers({ authorization: 'Bearer ' }))).toEqual(
      refused(
        'the Authorization header holds no token (an unset variable?): send Authorization: Bearer <token>',
      ),
    );
  });

  it('a genuine human token for nobody in the people store names whom it names', async () => {
    const nobody = await t.world.humanToken('nobody@acme.test');
    expect(await bearer(nobody)).toEqual(
      refused('the token names no active person (email nobody@acme.test)'),
    );
  });

  it('two Authorization headers are refused, not resolved in favour of either', async () => {
    const headers = new Headers();
    headers.append('authorization', `Bearer ${await t.world.humanToken('gina@acme.test')}`);
    headers.append('authorization', `Bearer ${agentToken}`);
    expect(await callWith(headers)).toEqual(refused('use the header Authorization: Bearer <token>'));
  });

  it('the scheme is case-insensitive (RFC 7235): lowercase bearer carries the same token, no more', async () => {
    const answer = await callWith(new Headers({ authorization: `bearer ${agentToken}` }));
    expect(answer).toEqual({
      status: 200,
      body: {
        data: {
          viewer: {
            kind: 'AGENT',
            human: { email: 'ana@acme.test' },
            chain: [{ clientId: t.world.agentClientId('Bearer target') }],
            intent: 'analytics',
          },
        },
      },
    });
  });
});
