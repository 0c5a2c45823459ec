import { z } from 'zod';

/** How demanding the miner is. Every field has a default; see each for its meaning. */
export const miningOptionsSchema = z.object({
  /**
   * The rate (approval rate; deny suggestions: denial rate) a suggestion's estimate must reach.
   * Omitted (the default), the miner calibrates it on the history: the lowest threshold whose
   * rules, checked on held-out folds, keep false approvals within `maxFalseApprovalRate` (see
   * `threshold-calibration.ts`). A history with too few denials to show that gets
   * {@link fallbackThreshold} with the Wilson bound. Set, it is used as it is.
   */
  threshold: z.number().min(0.5).lt(1).optional(),
  /**
   * How a conjunction's rate is judged: `wilson`, the one-sided Wilson lower bound at
   * `confidence`; `shrunk`, the rate shrunk towards the history's base rate by `priorStrength`
   * decisions (ranks groups better, trusted only with calibration); `auto` (default): shrunk
   * when the threshold is calibrated, Wilson otherwise.
   */
  estimator: z.enum(['auto', 'wilson', 'shrunk']).default('auto'),
  /** Decisions at the base rate a `shrunk` estimate adds to each group's own. Default 10. */
  priorStrength: z.number().positive().max(1000).default(10),
  /**
   * The promise of a calibrated run: false approvals (denied requests the suggestions would
   * approve) at most this share of denied requests, with `confidence`, on decisions the rules were
   * not mined on. Default 0.01.
   */
  maxFalseApprovalRate: z.number().gt(0).lt(0.5).default(0.01),
  /**
   * Confidence of the calibration's upper bound on held-out false approvals. Default 0.99: a
   * held-out check of a few thousand decisions is itself a sample, and 0.95 let about one split
   * in four of a real history end above the target.
   */
  calibrationConfidence: z.number().min(0.5).lt(1).default(0.99),
  /** Folds of the calibration's cross-validation; 0 switches calibration off. Default 5. */
  calibrationFolds: z.int().min(0).max(20).default(5),
  /** Confidence level of the Wilson bound (see `calibrationConfidence` for the calibration's). Default 0.95 (z = 1.645). */
  confidence: z.number().min(0.5).lt(1).default(0.95),
  /** Fewest decisions a suggestion must match. Default 20. */
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

/** The threshold (Wilson bound) of a run that cannot be calibrated. */
export const fallbackThreshold = 0.95;

/**
 * Thresholds a calibration chooses among, by estimator, ascending. None is below 0.95: whatever
 * the history allows, a suggestion's estimate, which is never above its own rate, reaches 95%.
 */
export const calibrationGrid = {
  wilson: [0.95, 0.955, 0.96, 0.965, 0.97, 0.975, 0.98, 0.985, 0.99, 0.995],
  shrunk: [
    0.95, 0.96, 0.97, 0.975, 0.98, 0.985, 0.9875, 0.99, 0.991, 0.992, 0.993, 0.994, 0.995, 0.996, 0.997,
    0.998,
  ],
} as const;

/** Histories larger than this are calibrated on a seeded sample of this many decisions. */
export const calibrationSampleLimit = 100_000;

/** Mining options as callers give them (every field optional). */
export type MiningOptionsInput = z.input<typeof miningOptionsSchema>;
/** Mining options with their defaults filled in. */
export type MiningOptions = z.output<typeof miningOptionsSchema>;
