import { z } from 'zod';

export const humanTokenAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
] as const;

const audience = z.string().trim().min(1).max(500);

/** https, or http on loopback only (a JWKS fetched in clear could be swapped). */
const jwksUrl = z.url({ protocol: /^https?$/ }).refine((url) => {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}, 'must be https (http only on loopback)');

/**
 * A trusted identity provider whose JWTs identify humans. Its tokens serve two purposes that must
 * not be confused: a human hands a token of `audience` to an agent, which can only exchange it
 * (RFC 8693); a human calls aperture's API directly (governance, approvals) only with a token of
 * `apiAudience`. So an agent holding a subject token can never act as the human itself.
 */
export const identityProviderSchema = z
  .object({
    issuer: z.string().trim().min(1),
    /** Audience of the tokens agents exchange. */
    audience,
    /** Audience of the tokens humans use on the API themselves; absent: this provider's humans cannot. */
    apiAudience: audience.optional(),
    jwksUri: jwksUrl.optional(),
    publicKeyPem: z
      .string()
      .includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key (SPKI)' })
      .optional(),
    /** Asymmetric algorithms only: never HS* (key confusion) and never `none`. */
    algorithms: z.array(z.enum(humanTokenAlgorithms)).min(1).default(['RS256', 'ES256', 'EdDSA']),
    /** Which claim names the person: `email` (matched to Person.email) or `sub` (Person.subject). */
    claim: z.enum(['email', 'sub']).default('email'),
    /** With `claim: email`: only these email domains are accepted from this provider. */
    allowedEmailDomains: z.array(z.string().trim().toLowerCase().min(1)).min(1).optional(),
    /** How long fetched keys are trusted, and the least time between two fetches (an unknown `kid` triggers one). */
    jwksCacheSeconds: z.number().int().min(0).max(86_400).default(600),
    jwksCooldownSeconds: z.number().int().min(0).max(3_600).default(30),
    /**
     * Opt-in: this provider issues ID-JAGs (draft-ietf-oauth-identity-assertion-authz-grant, "Cross
     * App Access") that agents redeem at /oauth/token with the jwt-bearer grant. `audience`: the
     * `aud` they must carry; default aperture's issuer (APERTURE_ISSUER), as the draft says.
     */
    idJag: z.object({ audience: audience.optional() }).strict().optional(),
  })
  .strict()
  .refine((provider) => Boolean(provider.jwksUri) !== Boolean(provider.publicKeyPem), {
    message: 'give exactly one of jwksUri and publicKeyPem',
  })
  .refine((provider) => provider.audience !== provider.apiAudience, {
    message: 'audience (tokens agents exchange) and apiAudience (tokens humans use themselves) must differ',
  });

/** Subjects are only unique within one issuer: at most one provider may map people by `sub`. */
export const identityProvidersSchema = z
  .array(identityProviderSchema)
  .refine((providers) => providers.filter((provider) => provider.claim === 'sub').length <= 1, {
    message: 'at most one identity provider may map people by sub',
  })
  .refine((providers) => new Set(providers.map((provider) => provider.issuer)).size === providers.length, {
    message: 'each issuer may be configured once',
  });

export type IdentityProviderConfig = z.infer<typeof identityProviderSchema>;

/** The issuer of the development tokens printed by `aperture dev-token` (development mode only). */
export const devIssuer = 'aperture-dev';

/** What a human token is presented for. */
export type HumanTokenUse = 'exchange' | 'api';

/** The development issuer's audiences, derived from aperture's own audience. */
export function devIssuerAudiences(apertureAudience: string): { exchange: string; api: string } {
  return { exchange: `${apertureAudience}:exchange`, api: apertureAudience };
}
