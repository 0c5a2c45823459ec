import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  areaUnderRoc,
  hindsightCurve,
  hindsightOperatingPoint,
  scoreRows,
  trainPairwiseLogistic,
} from '../../bench/mining-quality/pairwise-logistic.ts';
import { type DecisionTable, DecisionTableBuilder } from '../../src/mining/decision-table.ts';
import { seededRandom } from '../../src/mining/seeded-random.ts';

const range = (from: number, to: number) =>
  Uint32Array.from({ length: to - from }, (_, index) => from + index);

/**
 * Approved exactly when department and resource kind have the same parity: a checkerboard in which
 * every single value is approved half the time, so only the pair of the two tells the outcome.
 */
function checkerboardTable(decisions: number, seed: number): DecisionTable {
  const random = seededRandom(seed);
  const builder = new DecisionTableBuilder();
  for (let index = 0; index < decisions; index += 1) {
    const department = random.below(4);
    const kind = random.below(4);
    builder.addDecision(`d${index}`, department % 2 === kind % 2, Number.NaN, null);
    builder.addValue('human.department', 'human', `dept-${department}`);
    builder.addValue('resource.kind', 'resource', `kind-${kind}`);
    builder.addValue('human.location', 'human', `loc-${random.below(3)}`);
  }
  return builder.build();
}

/** One decision per outcome, in order, with a single meaningless attribute. */
function tableOf(outcomes: readonly boolean[]): DecisionTable {
  const builder = new DecisionTableBuilder();
  outcomes.forEach((approved, index) => {
    builder.addDecision(`d${index}`, approved, Number.NaN, null);
    builder.addValue('resource.name', 'resource', `r${index}`);
  });
  return builder.build();
}

describe('the pairwise logistic baseline', () => {
  const table = checkerboardTable(2000, 11);
  const train = range(0, 1500);
  const test = range(1500, 2000);

  it('learns an outcome that only a pair of attributes explains, where a one-hot model cannot', () => {
    const pairwise = trainPairwiseLogistic(table, train, { hashBits: 16, seed: 3 });
    const oneHot = trainPairwiseLogistic(table, train, { hashBits: 16, seed: 3, pairs: false });
    const pairwiseAuc = areaUnderRoc(scoreRows(pairwise, table, test), table, test);
    const oneHotAuc = areaUnderRoc(scoreRows(oneHot, table, test), table, test);
    expect(pairwiseAuc).toBeGreaterThan(0.99);
    expect(oneHotAuc).toBeLessThan(0.65);
    // With the pairs it auto-approves nearly every approved row without a single false approval.
    const point = hindsightOperatingPoint(scoreRows(pairwise, table, test), table, test, 0);
    const approvedInTest = test.reduce((sum, row) => sum + table.approved[row]!, 0);
    expect(point.falseApprovals).toBe(0);
    expect(point.autoApproved).toBeGreaterThan(0.95 * approvedInTest);
  });

  it('gives the same model for the same seed, and another for another seed', () => {
    const first = scoreRows(trainPairwiseLogistic(table, train, { hashBits: 16, seed: 5 }), table, test);
    const again = scoreRows(trainPairwiseLogistic(table, train, { hashBits: 16, seed: 5 }), table, test);
    const other = scoreRows(trainPairwiseLogistic(table, train, { hashBits: 16, seed: 6 }), table, test);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('scores probabilities, one per row, in the order of the rows', () => {
    const model = trainPairwiseLogistic(table, train, { hashBits: 16 });
    const rows = Uint32Array.of(1600, 1501, 1700);
    const scores = scoreRows(model, table, rows);
    expect(scores).toHaveLength(3);
    for (const score of scores) expect(score > 0 && score < 1).toBe(true);
    expect(scoreRows(model, table, Uint32Array.of(1501))[0]).toBe(scores[1]);
  });

  it('refuses a hash size it cannot hold', () => {
    expect(() => trainPairwiseLogistic(table, train, { hashBits: 40 })).toThrow(RangeError);
  });
});

describe('the operating point chosen in hindsight', () => {
  // Rows 0 and 9 are outside the rows measured: their outcomes must not count.
  const table = tableOf([false, true, true, false, true, false, true, false, false, false]);
  const rows = range(1, 9);
  // Approved: 0.9, 0.8, 0.7, 0.5; denied: 0.8 (tied with an approved row), 0.6, 0.4, 0.3.
  const scores = Float64Array.of(0.9, 0.8, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3);

  it('takes the lowest threshold whose false approvals stay within the limit', () => {
    expect(hindsightOperatingPoint(scores, table, rows, 0.25)).toEqual({
      coverage: 4 / 8,
      autoApproved: 4,
      falseApprovals: 1,
      falseApprovalRate: 0.25,
      threshold: 0.7,
    });
    expect(hindsightOperatingPoint(scores, table, rows, 0.5)).toMatchObject({
      autoApproved: 6,
      falseApprovals: 2,
      threshold: 0.5,
    });
    expect(hindsightOperatingPoint(scores, table, rows, 1)).toMatchObject({
      coverage: 1,
      falseApprovalRate: 1,
      threshold: 0.3,
    });
  });

  it('admits tied rows together: at limit 0 the approved row tied with a denied one stays out', () => {
    expect(hindsightOperatingPoint(scores, table, rows, 0)).toEqual({
      coverage: 1 / 8,
      autoApproved: 1,
      falseApprovals: 0,
      falseApprovalRate: 0,
      threshold: 0.9,
    });
    // Just under one in four: the tied pair would make it exactly one in four, so only 0.9 is left.
    expect(hindsightOperatingPoint(scores, table, rows, 0.2499)).toMatchObject({ autoApproved: 1 });
  });

  it('approves nothing when even the best-scored row was denied', () => {
    const denied = tableOf([false, false]);
    expect(hindsightOperatingPoint(Float64Array.of(0.9, 0.1), denied, range(0, 2), 0)).toEqual({
      coverage: 0,
      autoApproved: 0,
      falseApprovals: 0,
      falseApprovalRate: 0,
      threshold: Number.POSITIVE_INFINITY,
    });
  });

  it('approves every row when none was denied, whatever the limit', () => {
    const approved = tableOf([true, true, true]);
    expect(hindsightOperatingPoint(Float64Array.of(0.2, 0.9, 0.2), approved, range(0, 3), 0)).toEqual({
      coverage: 1,
      autoApproved: 3,
      falseApprovals: 0,
      falseApprovalRate: 0,
      threshold: 0.2,
    });
  });

  it('gives the same points along a curve as one at a time', () => {
    const limits = [0, 0.25, 0.5, 1];
    expect(hindsightCurve(scores, table, rows, limits)).toEqual(
      limits.map((limit) => ({
        maxFalseApprovalRate: limit,
        ...hindsightOperatingPoint(scores, table, rows, limit),
      })),
    );
  });

  it('finds the best coverage within the limit, as trying every threshold does', () => {
    const examples = fc.array(fc.record({ approved: fc.boolean(), score: fc.integer({ min: 0, max: 6 }) }), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(examples, fc.constantFrom(0, 0.05, 0.1, 0.3, 1), (rowsGiven, limit) => {
        const generated = tableOf(rowsGiven.map((row) => row.approved));
        const all = range(0, rowsGiven.length);
        const given = Float64Array.from(rowsGiven, (row) => row.score / 6);
        const point = hindsightOperatingPoint(given, generated, all, limit);
        const denied = rowsGiven.filter((row) => !row.approved).length;
        let bestCount = 0;
        for (const threshold of new Set(given)) {
          const admitted = rowsGiven.filter((_, index) => given[index]! >= threshold);
          const falseApprovals = admitted.filter((row) => !row.approved).length;
          const rate = denied === 0 ? 0 : falseApprovals / denied;
          if (rate <= limit) bestCount = Math.max(bestCount, admitted.length);
        }
        expect(point.autoApproved).toBe(bestCount);
        expect(point.falseApprovalRate).toBeLessThanOrEqual(limit);
        expect(given.filter((score) => score >= point.threshold)).toHaveLength(point.autoApproved);
      }),
    );
  });

  it('refuses scores that do not match the rows, NaN scores and limits outside [0, 1]', () => {
    expect(() => hindsightOperatingPoint(scores.subarray(1), table, rows, 0.1)).toThrow(RangeError);
    expect(() => hindsightOperatingPoint(Float64Array.of(Number.NaN), table, range(0, 1), 0.1)).toThrow(
      RangeError,
    );
    expect(() => hindsightOperatingPoint(scores, table, rows, 1.5)).toThrow(RangeError);
  });
});

describe('the area under the ROC curve', () => {
  it('counts the pairs an approved row wins, ties as half', () => {
    const table = tableOf([true, true, false, true, false, true, false, false]);
    const scores = Float64Array.of(0.9, 0.8, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3);
    // 4 + 3.5 + 3 + 2 of the 16 approved/denied pairs.
    expect(areaUnderRoc(scores, table, range(0, 8))).toBe(12.5 / 16);
  });

  it('is undefined (NaN) with one outcome only', () => {
    expect(areaUnderRoc(Float64Array.of(0.1, 0.2), tableOf([true, true]), range(0, 2))).toBeNaN();
  });
});
