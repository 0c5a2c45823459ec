import { describe, expect, it } from 'vitest';
import { minSuccessesForBound, oneSidedZ, wilsonLowerBound } from '../../src/mining/wilson.ts';

describe('one-sided Wilson lower bound', () => {
  const z = oneSidedZ(0.95);

  it('uses the one-sided z of the confidence level', () => {
    expect(z).toBeCloseTo(1.644854, 5);
    expect(oneSidedZ(0.99)).toBeCloseTo(2.326348, 5);
  });

  it('matches the textbook values (two-sided 90% Wilson interval, lower end)', () => {
    // statsmodels: proportion_confint(95, 100, alpha=0.1, method="wilson")[0] == 0.90084...
    expect(wilsonLowerBound(95, 100, z)).toBeCloseTo(0.90084, 4);
    expect(wilsonLowerBound(50, 100, z)).toBeCloseTo(0.41885, 4);
    expect(wilsonLowerBound(0, 0, z)).toBe(0);
    expect(wilsonLowerBound(0, 10, z)).toBe(0);
  });

  it('needs 52 unanimous decisions to clear 0.95 at 95% confidence', () => {
    expect(minSuccessesForBound(0.95, z)).toBe(52);
    expect(wilsonLowerBound(51, 51, z)).toBeLessThan(0.95);
    expect(wilsonLowerBound(52, 52, z)).toBeGreaterThanOrEqual(0.95);
  });
});
