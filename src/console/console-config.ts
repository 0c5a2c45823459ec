import { z } from 'zod';

/** https, or http on loopback only (a provider reached in clear could be impersonated). */
const providerUrl = z.url({ protocol: /^https?$/ }).refine((url) => {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}, 'must be https (http only on loopback)');

/**
 * The identity provider people sign in to the console with (OpenID Connect, authorization code
 * with PKCE). `claim` names the ID token claim that finds the person: `email` (Person.email, and
 * the provider must not say the email is unverified) or `sub` (Person.subject).
 */
export const consoleOidcSchema = z
  .object({
    issuer: providerUrl,
    clientId: z.string().trim().min(1),
    /** Absent: a public client (PKCE alone). */
    clientSecret: z.string().min(1).optional(),
    scopes: z
      .array(z.string().trim().min(1))
      .min(1)
      .default(['openid', 'email'])
      .refine((scopes) => scopes.includes('openid'), 'must include openid'),
    claim: z.enum(['email', 'sub']).default('email'),
    /**
     * With `claim: email`: only addresses at these domains sign in (as the identity provider
     * setting of the same name does for bearer tokens). Absent: any domain.
     */
    allowedEmailDomains: z.array(z.string().trim().toLowerCase().min(1)).min(1).optional(),
    /** Default: `<APERTURE_PUBLIC_URL>/console/api/oidc/callback` (or the request's own origin). */
    redirectUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict()
  .refine((config) => config.claim === 'email' || config.allowedEmailDomains === undefined, {
    message: 'allowedEmailDomains applies to claim email only',
  });

export type ConsoleOidcConfig = z.infer<typeof consoleOidcSchema>;

/** What the console's sign-in and sessions need from the environment (config/ reads and validates it). */
export interface ConsoleConfig {
  /** The absolute lifetime of a session. */
  sessionHours: number;
  /** A session unused this long ends. */
  idleMinutes: number;
  /** Null: no OpenID Connect sign-in. */
  oidc: ConsoleOidcConfig | null;
}
