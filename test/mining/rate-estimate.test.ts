import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shrunkEstimator, wilsonEstimator } from '../../src/mining/rate-estimate.ts';
import { oneSidedZ } from '../../src/mining/wilson.ts';

describe('judging a group rate', () => {
  it('shrinks a small spotless group towards the usual rate more than a large one, and never lifts a group above its own rate', () => {
    const shrunk = shrunkEstimator(10);
    expect(shrunk.estimate(20, 20, 0.9)).toBeCloseTo(29 / 30, 12);
    expect(shrunk.estimate(500, 500, 0.9)).toBeGreaterThan(shrunk.estimate(20, 20, 0.9));
    // A group worse than usual keeps its own rate.
    expect(shrunk.estimate(16, 20, 0.99)).toBe(0.8);
    expect(shrunk.estimate(0, 0, 0.9)).toBe(0);
  });

  it('knows the fewest successes that can ever reach a threshold, for both estimators (checked by trying every count)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (strength, baseRate, threshold) => {
          for (const estimator of [shrunkEstimator(strength), wilsonEstimator(oneSidedZ(0.95))]) {
            const fewest = estimator.minSuccesses(threshold, baseRate);
            let firstReaching = 1;
            while (estimator.estimate(firstReaching, firstReaching, baseRate) < threshold) firstReaching += 1;
            expect(fewest).toBe(firstReaching);
            // No group with fewer successes reaches it, whatever its size.
            if (fewest > 1)
              expect(estimator.estimate(fewest - 1, fewest - 1, baseRate)).toBeLessThan(threshold);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never passes anything at a threshold of 1 (an action switched off)', () => {
    expect(shrunkEstimator(10).minSuccesses(1, 0.9)).toBe(Number.POSITIVE_INFINITY);
    expect(wilsonEstimator(1.645).minSuccesses(1, 0.9)).toBe(Number.POSITIVE_INFINITY);
  });
});
