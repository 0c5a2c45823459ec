/**
 * One-sided Wilson score bounds: how low a rate can plausibly be, given `successes` out of
 * `trials`, at a confidence level. A rule is suggested only when the lower bound of its approval
 * (or denial) rate clears a threshold, so a handful of lucky decisions is never enough.
 */

/**
 * The standard normal quantile (inverse CDF): Acklam's rational approximation, relative error
 * below 1.2e-9 on (0, 1), far finer than any confidence level anyone configures.
 */
export function normalQuantile(probability: number): number {
  if (!(probability > 0 && probability < 1)) throw new RangeError('probability must be in (0, 1)');
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (probability < low) {
    const q = Math.sqrt(-2 * Math.log(probability));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (probability <= 1 - low) {
    const q = probability - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - probability));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}

/** The z score of a one-sided bound at `confidence` (0.95 gives 1.645). */
export function oneSidedZ(confidence: number): number {
  return normalQuantile(confidence);
}

/**
 * The one-sided Wilson lower bound of a rate: the value the true rate exceeds with the
 * confidence that `z` stands for. 0 when there are no trials.
 */
export function wilsonLowerBound(successes: number, trials: number, z: number): number {
  if (trials <= 0) return 0;
  const rate = successes / trials;
  const z2 = z * z;
  const centre = rate + z2 / (2 * trials);
  const spread = z * Math.sqrt((rate * (1 - rate)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - spread) / (1 + z2 / trials));
}

/**
 * The fewest successes that can clear `threshold` at all: with every trial a success the bound is
 * n / (n + z²), so fewer successes than this can never yield a rule, whatever the other counts.
 * The miner uses it to prune candidates early.
 */
export function minSuccessesForBound(threshold: number, z: number): number {
  if (threshold <= 0) return 1;
  if (threshold >= 1) return Number.POSITIVE_INFINITY;
  let count = Math.max(1, Math.floor((threshold * z * z) / (1 - threshold)) - 1);
  while (wilsonLowerBound(count, count, z) < threshold) count += 1;
  return count;
}
