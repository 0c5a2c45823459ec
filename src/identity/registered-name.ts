import { z } from 'zod';

/** The name governance gives a registered client (an agent, a PEP): shown in lists and audit. */
export const registeredName = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(100)
  .regex(/^[\w .:-]+$/, 'may hold letters, digits, spaces and _ . : -');

export const registeredDescription = z.string().trim().max(2000).nullish();
