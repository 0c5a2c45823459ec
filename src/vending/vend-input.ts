import { z } from 'zod';

/** Shorter than this, a login is not worth vending: the agent should exchange a fresh token. */
export const minimumLoginSeconds = 10;

/** What an agent may ask of a login's life, the same through every door. */
export const ttlSecondsSchema = z
  .number()
  .int('must be a whole number of seconds')
  .min(minimumLoginSeconds, `must be at least ${minimumLoginSeconds}`)
  .max(86_400, 'must be at most 86400 (a day)');
