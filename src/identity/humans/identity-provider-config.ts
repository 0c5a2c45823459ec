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

/** A trusted identity provider whose JWTs identify humans. */
export const identityProviderSchema = z
  .object({
    issuer: z.string().trim().min(1),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    jwksUri: z.url({ protocol: /^https?$/ }).optional(),
    publicKeyPem: z
      .string()
      .includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key (SPKI)' })
      .optional(),
    /** Asymmetric algorithms only: never HS* (key confusion) and never `none`. */
    algorithms: z.array(z.enum(humanTokenAlgorithms)).min(1).default(['RS256', 'ES256', 'EdDSA']),
    /** Which claim names the person: `email` (matched to Person.email) or `sub` (Person.subject). */
    claim: z.enum(['email', 'sub']).default('email'),
    /** How long fetched keys are trusted, and the least time between two fetches (an unknown `kid` triggers one). */
    jwksCacheSeconds: z.number().int().min(0).max(86_400).default(600),
    jwksCooldownSeconds: z.number().int().min(0).max(3_600).default(30),
  })
  .strict()
  .refine((provider) => Boolean(provider.jwksUri) !== Boolean(provider.publicKeyPem), {
    message: 'give exactly one of jwksUri and publicKeyPem',
  });

export type IdentityProviderConfig = z.infer<typeof identityProviderSchema>;

/** The issuer of the development tokens printed by `aperture dev-token` (development mode only). */
export const devIssuer = 'aperture-dev';
