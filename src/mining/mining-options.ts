import { z } from 'zod';

/** How demanding the miner is. Every field has a default; see each for its meaning. */
export const miningOptionsSchema = z.object({
  /**
   * A suggestion's one-sided lower confidence bound (Wilson) on its approval rate (deny
   * suggestions: denial rate) must reach this. Default 0.95.
   */
  threshold: z.number().min(0.5).lt(1).default(0.95),
  /** Confidence level of that bound. Default 0.95 (z = 1.645). */
  confidence: z.number().min(0.5).lt(1).default(0.95),
  /** Fewest decisions a suggestion must match. Default 20 (the bound alone asks for more at 0.95). */
  minSupport: z.int().min(1).default(20),
  /**
   * Fewest distinct humans who made the decision the suggestion would automate (approvers of the
   * approvals it would repeat, or of the denials). Default 2. 0 switches the gate off, for
   * histories that do not say who decided.
   */
  minDistinctApprovers: z.int().min(0).default(2),
  /** Most conditions in a suggestion: 2 or 3. Default 3. */
  maxConditions: z.int().min(2).max(3).default(3),
  /** Example decisions kept per suggestion, of each kind (agreeing, disagreeing). Default 3. */
  exampleCount: z.int().min(0).max(50).default(3),
});

/** Mining options as callers give them (every field optional). */
export type MiningOptionsInput = z.input<typeof miningOptionsSchema>;
/** Mining options with their defaults filled in. */
export type MiningOptions = z.output<typeof miningOptionsSchema>;
