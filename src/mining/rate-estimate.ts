import { minSuccessesForBound, wilsonLowerBound } from './wilson.ts';

/**
 * How the miner judges a conjunction's rate (approval rate, or denial rate for deny rules) from
 * its counts: a number a suggestion's rate must reach `threshold` on.
 */
export interface RateEstimator {
  /** The judged rate of `successes` out of `total` decisions, for an action whose base rate is `baseRate`. */
  estimate(successes: number, total: number, baseRate: number): number;
  /** The fewest successes with which {@link estimate} can reach `threshold` at all (all trials successes). */
  minSuccesses(threshold: number, baseRate: number): number;
}

/** The one-sided Wilson lower bound at the confidence that `z` stands for. */
export function wilsonEstimator(z: number): RateEstimator {
  return {
    estimate: (successes, total) => wilsonLowerBound(successes, total, z),
    minSuccesses: (threshold) => minSuccessesForBound(threshold, z),
  };
}

/**
 * The rate shrunk towards the action's base rate, as if `strength` more decisions at the base rate
 * had been seen (the posterior mean under a Beta prior of that mean and strength). Among thousands
 * of candidate groups, the few that look spotless are partly lucky: shrinking pulls a small
 * spotless group back towards what decisions usually are, and leaves a large one almost alone,
 * so groups are ranked by how likely they are to stay clean on decisions not yet made. It never
 * exceeds the group's own rate: a group below the usual rate is not lifted towards it.
 */
export function shrunkEstimator(strength: number): RateEstimator {
  const estimate = (successes: number, total: number, baseRate: number) =>
    Math.min((successes + strength * baseRate) / (total + strength), total === 0 ? 0 : successes / total);
  return {
    estimate,
    minSuccesses: (threshold, baseRate) => {
      if (estimate(1, 1, baseRate) >= threshold) return 1;
      // With n successes out of n: (n + s·b) / (n + s) >= t  <=>  n >= s·(t - b) / (1 - t).
      if (threshold >= 1) return Number.POSITIVE_INFINITY;
      let count = Math.max(1, Math.floor((strength * (threshold - baseRate)) / (1 - threshold)) - 1);
      while (estimate(count, count, baseRate) < threshold) count += 1;
      return count;
    },
  };
}
