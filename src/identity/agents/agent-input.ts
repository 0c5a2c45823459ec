import { z } from 'zod';
import { intentName } from '../intents/intent-input.ts';
import { registeredDescription, registeredName } from '../registered-name.ts';
import { capabilityCeilingInputSchema } from './capability-ceiling.ts';

/**
 * How an enterprise identity provider names the agent in the actor claims of its tokens: its
 * issuer (exactly as in `iss`) and the subject (Okta's and Auth0's `act.sub`, the application id
 * of an Entra agent identity). Each pair names one agent at most.
 */
export const externalIdentitySchema = z.object({
  issuer: z.string().trim().min(1, 'issuer is required').max(500),
  subject: z.string().trim().min(1, 'subject is required').max(255),
});

const externalIdentities = z
  .array(externalIdentitySchema)
  .max(20, 'at most 20 external identities')
  .refine(
    (pairs) => new Set(pairs.map((pair) => `${pair.issuer}\u0000${pair.subject}`)).size === pairs.length,
    'an external identity is listed twice',
  );

const futureDate = z.coerce.date().refine((date) => date.getTime() > Date.now(), 'must be in the future');

export const registerAgentSchema = z.object({
  name: registeredName,
  description: registeredDescription,
  ownerEmail: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'must be an email address' })),
  /** Makes this a sub-agent of the agent with this client id. */
  parentClientId: z.string().trim().min(1).nullish(),
  ceiling: capabilityCeilingInputSchema.prefault({}),
  allowedIntents: z.array(intentName).min(1, 'name at least one intent'),
  maxDelegationDepth: z.number().int().min(0).max(10).default(0),
  credentialExpiresAt: futureDate.nullish(),
  externalIdentities: externalIdentities.default([]),
});

/** What a caller passes to register an agent; the service parses it (adapters may pass JSON). */
export type RegisterAgentInput = z.input<typeof registerAgentSchema>;

export const rotateSecretSchema = z.object({ credentialExpiresAt: futureDate.nullish() });

export type RotateSecretInput = z.input<typeof rotateSecretSchema>;

/** What governance may change on a registered agent (its identity, owner and parent stay). */
export const updateAgentSchema = registerAgentSchema
  .pick({ description: true, allowedIntents: true, maxDelegationDepth: true })
  /** `externalIdentities` replaces the whole set; an empty list removes them all. */
  .extend({ ceiling: capabilityCeilingInputSchema, externalIdentities })
  .partial();

export type UpdateAgentInput = z.input<typeof updateAgentSchema>;
