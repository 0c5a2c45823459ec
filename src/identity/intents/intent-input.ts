import { z } from 'zod';
import { Tier } from '../../../generated/prisma/enums.ts';

export const intentName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{1,62}$/, 'must be 2-63 lowercase letters, digits, _ . - and start with a letter');

export const intentInputSchema = z.object({
  name: intentName,
  description: z.string().trim().min(1, 'must not be empty').max(2000),
  allowedTiers: z.array(z.enum(Tier)).min(1, 'name at least one tier'),
  allowedTags: z.array(z.string().trim().min(1).max(100)).default([]),
  maxTokenLifetimeSeconds: z.number().int().min(30).max(86_400).default(600),
});

/** What a caller passes to create an intent; the service parses it. */
export type IntentInput = z.input<typeof intentInputSchema>;

export const intentUpdateSchema = intentInputSchema.omit({ name: true }).partial();

export type IntentUpdateInput = z.input<typeof intentUpdateSchema>;
