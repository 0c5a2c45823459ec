import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { ActorClaimRefusal, actorClaimNames } from '../enterprise/actor-claims.ts';
import { readActorClaims } from '../enterprise/read-actor-claims.ts';
import type { IdentityConfig } from '../identity-config.ts';
import type { PersonKey } from '../state/identity-state.ts';
import { joseRefusal, TokenRefusedError } from '../token-refusal.ts';
import { VerifiedTokenCache } from '../tokens/verified-token-cache.ts';
import { loadOrCreateDevIssuerKey } from './dev-issuer.ts';
import {
  devIssuer,
  devIssuerAudiences,
  type HumanTokenUse,
  type IdentityProviderConfig,
} from './identity-provider-config.ts';

export interface VerifiedHumanToken {
  issuer: string;
  person: PersonKey;
  expiresAt: Date;
  /**
   * The claims that name agents acting for the person (`act`, Okta's `delegated_through`, Entra's
   * facets, `sub_profile`, ...), for src/identity/enterprise to read; nothing else of the token.
   */
  actorClaims: Record<string, unknown>;
}

/** The `typ` header an ID-JAG must carry (draft-ietf-oauth-identity-assertion-authz-grant). */
export const idJagType = 'oauth-id-jag+jwt';

/** The longest an ID-JAG may live (exp - iat) and the oldest it may be when redeemed. */
const maxIdJagAgeSeconds = 10 * 60;

/** How far the clocks of a provider and of aperture's replicas may disagree. */
const clockToleranceSeconds = 30;

/** A verified ID-JAG: the person, the client it was issued for, and its single-use id. */
export interface VerifiedIdJag extends VerifiedHumanToken {
  jti: string;
  clientId: string;
  /** Its `resource` claim (RFC 8707 resource indicators); empty when it has none. */
  resources: string[];
}

interface TrustedIssuer {
  config: IdentityProviderConfig;
  keys: JWTVerifyGetKey | CryptoKeyLike;
}

type CryptoKeyLike = Awaited<ReturnType<typeof importSPKI>>;

/**
 * Verifies humans' JWTs from the configured identity providers (and, in development, from the
 * built-in dev issuer): signature with the provider's keys (JWKS fetched, cached and refreshed on
 * an unknown `kid` by jose), issuer, audience, expiry and an asymmetric algorithm.
 */
export class HumanTokenVerifier {
  /**
   * A token that verified once stays verified until it expires: repeated calls with the same token
   * skip the signature check (whether its person is still active is checked on every call).
   */
  private readonly verified = new VerifiedTokenCache<{ exp: number; result: VerifiedHumanToken }>();

  private constructor(
    private readonly issuers: ReadonlyMap<string, TrustedIssuer>,
    /** Why this server does not trust the development issuer; null when it does. */
    private readonly devIssuerOff: string | null,
    /** aperture's issuer: the `aud` an ID-JAG carries unless its provider says otherwise. */
    private readonly apertureIssuer: string,
  ) {}

  static async create(config: IdentityConfig): Promise<HumanTokenVerifier> {
    const issuers = new Map<string, TrustedIssuer>();
    for (const provider of config.providers) {
      const keys = provider.jwksUri
        ? createRemoteJWKSet(new URL(provider.jwksUri), {
            cooldownDuration: provider.jwksCooldownSeconds * 1000,
            cacheMaxAge: provider.jwksCacheSeconds * 1000,
          })
        : await importSPKI(provider.publicKeyPem!, provider.algorithms[0]!);
      issuers.set(provider.issuer, { config: provider, keys });
    }
    if (config.devIssuerKeyFile) {
      const key = await loadOrCreateDevIssuerKey(config.devIssuerKeyFile);
      issuers.set(devIssuer, {
        config: {
          issuer: devIssuer,
          audience: devIssuerAudiences(config.audience).exchange,
          apiAudience: devIssuerAudiences(config.audience).api,
          algorithms: ['EdDSA'],
          claim: 'email',
          jwksCacheSeconds: 0,
          jwksCooldownSeconds: 0,
        },
        keys: createLocalJWKSet({ keys: [{ ...key.publicJwk, kid: key.kid, alg: 'EdDSA' }] }),
      });
    }
    return new HumanTokenVerifier(issuers, config.devIssuerOff, config.issuer);
  }

  /** `use`: `exchange` for a subject token an agent presents, `api` for a human calling aperture. */
  async verify(token: string, use: HumanTokenUse): Promise<VerifiedHumanToken> {
    const cacheKey = `${use} ${token}`;
    const cached = this.verified.get(cacheKey);
    if (cached) return cached.result;
    const result = await this.verifyFresh(token, use);
    this.verified.set(cacheKey, { exp: result.expiresAt.getTime() / 1000, result });
    return result;
  }

  private async verifyFresh(token: string, use: HumanTokenUse): Promise<VerifiedHumanToken> {
    let issuer: string | undefined;
    let typ: unknown;
    try {
      issuer = decodeJwt(token).iss;
      typ = decodeProtectedHeader(token).typ;
    } catch {
      throw new TokenRefusedError('not_a_jwt', 'the token is not a JWT');
    }
    if (typ === idJagType) {
      // An ID-JAG is redeemed once, by the client it names, with the jwt-bearer grant: never a
      // person's token (its single use and client binding would be skipped), whatever its aud.
      throw new TokenRefusedError(
        'wrong_type',
        "this is an ID-JAG: an agent redeems it at /oauth/token with the jwt-bearer grant, it is not a person's token",
      );
    }
    const trusted = issuer ? this.issuers.get(issuer) : undefined;
    if (!issuer || !trusted) {
      if (issuer === devIssuer) {
        throw new TokenRefusedError(
          'untrusted_issuer',
          `the token comes from the development issuer (aperture dev-token), which this server does not trust: ${this.devIssuerOff ?? 'it is off'}`,
        );
      }
      throw new TokenRefusedError(
        'untrusted_issuer',
        'the token was not issued by a trusted identity provider',
      );
    }
    const { config } = trusted;
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      // Both audiences, so that a genuine token presented for the other use is told what it is for.
      const options = {
        issuer: config.issuer,
        audience: config.apiAudience ? [config.audience, config.apiAudience] : config.audience,
        algorithms: [...config.algorithms],
        requiredClaims: ['exp'],
      };
      ({ payload } =
        typeof trusted.keys === 'function'
          ? await jwtVerify(token, trusted.keys, options)
          : await jwtVerify(token, trusted.keys, options));
    } catch (error) {
      throw this.verificationRefusal(error, config, use);
    }
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    const wanted = use === 'exchange' ? config.audience : config.apiAudience;
    if (!wanted || !audiences.includes(wanted)) throw wrongUseRefusal(config, use);
    if (use === 'api' && !namesOnlyAPerson(payload, issuer)) {
      // An agent holding a person's token that names it as actor must not call the API as the person.
      throw new TokenRefusedError(
        'exchange_only',
        'this token names agents acting for the person (actor claims): an agent exchanges it at /oauth/token for a delegation token, and never calls the API as the person',
      );
    }
    return { issuer, ...personOf(payload, config), actorClaims: actorClaimsOf(payload) };
  }

  /**
   * Verifies an ID-JAG an agent redeems at /oauth/token (RFC 7523 jwt-bearer grant): `typ`
   * exactly `oauth-id-jag+jwt`, from a provider configured with `idJag`, signed with one of its
   * asymmetric algorithms, `aud` aperture's issuer (or the provider's `idJag.audience`), and
   * `iss`, `sub`, `client_id`, `jti`, `exp` and `iat` present. Single use is the caller's to enforce.
   */
  async verifyIdJag(token: string): Promise<VerifiedIdJag> {
    let typ: unknown;
    let issuer: string | undefined;
    try {
      typ = decodeProtectedHeader(token).typ;
      issuer = decodeJwt(token).iss;
    } catch {
      throw new TokenRefusedError('not_a_jwt', 'the assertion is not a JWT');
    }
    if (typ !== idJagType) {
      throw new TokenRefusedError(
        'wrong_type',
        `the assertion's typ header is ${typeof typ === 'string' ? JSON.stringify(typ.slice(0, 40)) : 'missing'}: an ID-JAG has typ ${idJagType}`,
      );
    }
    const trusted = issuer ? this.issuers.get(issuer) : undefined;
    if (!issuer || !trusted || issuer === devIssuer) {
      throw new TokenRefusedError(
        'untrusted_issuer',
        'the ID-JAG was not issued by a trusted identity provider',
      );
    }
    const { config } = trusted;
    if (!config.idJag) {
      throw new TokenRefusedError(
        'untrusted_issuer',
        `${issuer} is not configured to issue ID-JAGs (add idJag to its entry in APERTURE_IDENTITY_PROVIDERS)`,
      );
    }
    const audience = config.idJag.audience ?? this.apertureIssuer;
    let payload: JWTPayload;
    try {
      const options = {
        issuer: config.issuer,
        audience,
        typ: idJagType,
        algorithms: [...config.algorithms],
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
        // An ID-JAG is short-lived by design: one issued long ago, or in the future, is refused.
        maxTokenAge: maxIdJagAgeSeconds,
        clockTolerance: clockToleranceSeconds,
      };
      ({ payload } =
        typeof trusted.keys === 'function'
          ? await jwtVerify(token, trusted.keys, options)
          : await jwtVerify(token, trusted.keys, options));
    } catch (error) {
      const refusal = joseRefusal(error, 'the ID-JAG');
      if (refusal.reason === 'wrong_audience')
        throw new TokenRefusedError('wrong_audience', `the ID-JAG's aud must be ${audience}`);
      throw refusal;
    }
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > maxIdJagAgeSeconds) {
      throw new TokenRefusedError(
        'malformed_claims',
        `the ID-JAG lives longer than ${maxIdJagAgeSeconds / 60} minutes (exp - iat): an ID-JAG is short-lived`,
      );
    }
    const { jti, client_id: clientId, resource } = payload;
    if (typeof jti !== 'string' || jti === '' || jti.length > 255)
      throw new TokenRefusedError('malformed_claims', 'the ID-JAG has no usable jti');
    if (typeof clientId !== 'string' || clientId === '' || clientId.length > 255)
      throw new TokenRefusedError('malformed_claims', 'the ID-JAG has no usable client_id');
    const resources = resource === undefined ? [] : Array.isArray(resource) ? resource : [resource];
    if (!resources.every((value): value is string => typeof value === 'string' && value.length <= 500))
      throw new TokenRefusedError('malformed_claims', 'the ID-JAG has a malformed resource claim');
    return {
      issuer,
      ...personOf(payload, config),
      actorClaims: actorClaimsOf(payload),
      jti,
      clientId,
      resources,
    };
  }

  /** jose's failure in our words, with what to do about it for the development issuer. */
  private verificationRefusal(
    error: unknown,
    config: IdentityProviderConfig,
    use: HumanTokenUse,
  ): TokenRefusedError {
    const refusal = joseRefusal(error, 'the identity token');
    if (refusal.reason === 'wrong_audience' && use === 'api' && !config.apiAudience) {
      return new TokenRefusedError(
        'not_for_api',
        `tokens of ${config.issuer} cannot be used on the API directly`,
      );
    }
    if (config.issuer !== devIssuer) return refusal;
    if (refusal.reason === 'unknown_key') {
      // The CLI signed with the key file of another data folder than the server's.
      return new TokenRefusedError(
        'unknown_key',
        "the identity token is signed with a development issuer key this server does not have: run aperture dev-token with the server's APERTURE_DATA_DIR (or APERTURE_DEV_ISSUER_KEY_FILE)",
      );
    }
    if (refusal.reason === 'expired') {
      return new TokenRefusedError(
        'expired',
        'the identity token has expired: print a new one with aperture dev-token',
      );
    }
    return refusal;
  }
}

/** The person a verified token names, as its provider's `claim` says, and when it expires. */
function personOf(
  payload: JWTPayload,
  config: IdentityProviderConfig,
): Pick<VerifiedHumanToken, 'person' | 'expiresAt'> {
  const value = config.claim === 'email' ? payload.email : payload.sub;
  if (typeof value !== 'string' || value === '')
    throw new TokenRefusedError('no_identity_claim', `the identity token has no ${config.claim} claim`);
  if (config.claim === 'email') {
    // A provider that says the address is unverified does not vouch for it.
    if (payload.email_verified === false)
      throw new TokenRefusedError('unverified_email', 'the identity token has an unverified email');
    const domain = value.toLowerCase().split('@')[1] ?? '';
    if (config.allowedEmailDomains && !config.allowedEmailDomains.includes(domain)) {
      throw new TokenRefusedError(
        'email_domain_not_allowed',
        `${config.issuer} may not vouch for addresses at ${domain}`,
      );
    }
  }
  return {
    person: config.claim === 'email' ? { email: value.toLowerCase() } : { subject: value },
    expiresAt: new Date((payload.exp ?? 0) * 1000),
  };
}

/**
 * Whether a token names a person and no acting agent, read by the same reader as token exchange
 * (every vendor's actor claims, and a subject that is itself an agent): a token that names agents,
 * or that the reader refuses, never calls the API as the person.
 */
function namesOnlyAPerson(payload: JWTPayload, issuer: string): boolean {
  try {
    return readActorClaims({ payload, issuer, maxDepth: Number.POSITIVE_INFINITY }).actors.length === 0;
  } catch (error) {
    if (error instanceof ActorClaimRefusal) return false;
    throw error;
  }
}

/** The payload's actor claims (see actorClaimNames), and nothing else. */
function actorClaimsOf(payload: JWTPayload): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const name of actorClaimNames) if (payload[name] !== undefined) claims[name] = payload[name];
  return claims;
}

/**
 * A genuine token presented for the use it was not issued for. The token a human hands to an
 * agent only works at the token endpoint, and the human's own token cannot be exchanged, so an
 * agent never acts as the human itself; both refusals say what the token is for instead.
 */
function wrongUseRefusal(config: IdentityProviderConfig, use: HumanTokenUse): TokenRefusedError {
  if (use === 'api') {
    return new TokenRefusedError(
      'exchange_only',
      'this token can only be exchanged at /oauth/token: an agent exchanges it, authenticated with its own client credentials, for a delegation token (RFC 8693 token exchange, this token as subject_token) and calls the API with that',
    );
  }
  const forAgents =
    config.issuer === devIssuer ? 'aperture dev-token --for-agent' : `audience ${config.audience}`;
  return new TokenRefusedError(
    'api_only',
    `the identity token is meant for the human's own API calls and cannot be exchanged: exchange a token the human issued for agents (${forAgents})`,
  );
}
