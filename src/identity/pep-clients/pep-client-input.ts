import { z } from 'zod';

export const registerPepClientSchema = z.object({
  name: z
    .string()
    .trim()
    .min(2, 'must be at least 2 characters')
    .max(100)
    .regex(/^[\w .:-]+$/, 'may hold letters, digits, spaces and _ . : -'),
  description: z.string().trim().max(2000).nullish(),
});

/** What governance passes to register a policy enforcement point. */
export type RegisterPepClientInput = z.input<typeof registerPepClientSchema>;

export const pepClientStatusChanges = ['suspend', 'reactivate', 'retire'] as const;
export type PepClientStatusChange = (typeof pepClientStatusChanges)[number];
