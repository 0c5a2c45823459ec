import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * A fake identity provider (the boundary we cannot reach): its own key pairs, a JWKS served on
 * loopback, and tokens for any email with any claims, validity or signing key.
 */
export class TestIdentityProvider {
  /** `issuer`: another provider than the default one (an Okta org, an Auth0 tenant, an Entra tenant). */
  constructor(readonly issuer = 'https://idp.test.example') {}
  /** Tokens for the human's own API calls. */
  readonly audience = 'aperture';
  /** Tokens a human hands to an agent, which can only exchange them. */
  readonly exchangeAudience = 'aperture-exchange';
  private keys: { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK }[] = [];
  private server: Server | undefined;
  jwksUrl = '';

  static async create(issuer?: string): Promise<TestIdentityProvider> {
    const idp = new TestIdentityProvider(issuer);
    await idp.addKey('key-1');
    return idp;
  }

  async addKey(kid: string): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    this.keys.unshift({
      kid,
      privateKey,
      publicKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    });
  }

  /** The current signing key's public half, as PEM (what a key-confusion attacker would use). */
  publicKeyPem(): Promise<string> {
    return exportSPKI(this.keys[0]!.publicKey);
  }

  /** Serves the JWKS on loopback; returns the provider config for APERTURE_IDENTITY_PROVIDERS. */
  async serveJwks(): Promise<Record<string, unknown>> {
    this.server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: this.keys.map((key) => key.publicJwk) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
    return {
      issuer: this.issuer,
      audience: this.exchangeAudience,
      apiAudience: this.audience,
      jwksUri: this.jwksUrl,
      algorithms: ['ES256'],
      claim: 'email',
      jwksCooldownSeconds: 0,
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A token the human hands to an agent (its audience is the exchange audience). */
  subjectToken(email: string, options: Parameters<TestIdentityProvider['token']>[1] = {}): Promise<string> {
    return this.token(email, { audience: this.exchangeAudience, ...options });
  }

  /** A human's identity token for their own API calls; `options` bend it the ways attackers and bugs do. */
  async token(
    email: string,
    options: {
      expiresInSeconds?: number;
      audience?: string;
      issuer?: string;
      kid?: string;
      claims?: Record<string, unknown>;
    } = {},
  ): Promise<string> {
    const key = options.kid ? this.keys.find((candidate) => candidate.kid === options.kid)! : this.keys[0]!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email, ...options.claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setSubject(`idp|${email}`)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
      .sign(key.privateKey);
  }

  /**
   * Any payload, signed as given (no claim added): the vendors' published token shapes, ID-JAGs
   * (`typ: 'oauth-id-jag+jwt'`), and the malformed ones attackers send.
   */
  async sign(payload: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const key = options.kid ? this.keys.find((candidate) => candidate.kid === options.kid)! : this.keys[0]!;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: options.typ ?? 'JWT' })
      .sign(key.privateKey);
  }
}

/** Options of TestIdentityProvider.sign: the header and key a token is signed with. */
export interface SignOptions {
  /** The `typ` header; default `JWT`. */
  typ?: string;
  kid?: string;
}

/** An unsigned JWT (`alg: none`) with the given payload. */
export function unsignedToken(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}
