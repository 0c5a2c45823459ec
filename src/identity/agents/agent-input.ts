import { z } from 'zod';
import { intentName } from '../intents/intent-input.ts';
import { capabilityCeilingInputSchema } from './capability-ceiling.ts';

const futureDate = z.coerce.date().refine((date) => date.getTime() > Date.now(), 'must be in the future');

export const registerAgentSchema = z.object({
  name: z
    .string()
    .trim()
    .min(2, 'must be at least 2 characters')
    .max(100)
    .regex(/^[\w .:-]+$/, 'may hold letters, digits, spaces and _ . : -'),
  description: z.string().trim().max(2000).nullish(),
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
});

/** What a caller passes to register an agent; the service parses it (adapters may pass JSON). */
export type RegisterAgentInput = z.input<typeof registerAgentSchema>;

export const rotateSecretSchema = z.object({ credentialExpiresAt: futureDate.nullish() });

export type RotateSecretInput = z.input<typeof rotateSecretSchema>;

/** What governance may change on a registered agent (its identity, owner and parent stay). */
export const updateAgentSchema = registerAgentSchema
  .pick({ description: true, allowedIntents: true, maxDelegationDepth: true })
  .extend({ ceiling: capabilityCeilingInputSchema })
  .partial();

export type UpdateAgentInput = z.input<typeof updateAgentSchema>;
