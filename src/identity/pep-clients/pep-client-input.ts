import { z } from 'zod';
import { registeredDescription, registeredName } from '../registered-name.ts';

export const registerPepClientSchema = z.object({
  name: registeredName,
  description: registeredDescription,
});

/** What governance passes to register a policy enforcement point. */
export type RegisterPepClientInput = z.input<typeof registerPepClientSchema>;

export const pepClientStatusChanges = ['suspend', 'reactivate', 'retire'] as const;
export type PepClientStatusChange = (typeof pepClientStatusChanges)[number];
