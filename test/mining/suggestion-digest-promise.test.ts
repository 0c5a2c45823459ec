import { describe, expect, it } from 'vitest';
import type { SuggestionPromise } from '../../src/mining/suggestion-promise.ts';
import { promiseInBrief } from '../../src/mining/workflow/suggestion-digest.ts';

// A digest line's promise: a few words beside the suggestion's rate.

const promise = (overrides: Partial<SuggestionPromise>): SuggestionPromise => ({
  estimator: 'shrunk',
  estimate: 0.991,
  threshold: 0.985,
  decisions: 240,
  calibration: 'calibrated',
  targetFalseApprovalRate: 0.01,
  confidence: 0.99,
  heldOut: {
    folds: 5,
    decisions: 9000,
    denials: 1200,
    covered: 800,
    falseApprovals: 3,
    falseApprovalUpperBound: 0.0082,
  },
  text: 'the promise in full',
  ...overrides,
});

describe("a digest's promise in brief", () => {
  it('gives the held-out check of a calibrated threshold', () => {
    expect(promiseInBrief(promise({}))).toBe(
      'calibrated: 3 of 1,200 held-out denials approved (at most 0.82%)',
    );
  });

  it('says why there is no promise otherwise', () => {
    expect(promiseInBrief(promise({ calibration: 'strictest' }))).toBe(
      'no promise (strictest threshold, false approvals not shown within 1%)',
    );
    expect(promiseInBrief(promise({ calibration: 'too-few-denials', heldOut: null }))).toBe(
      'no promise (too few denials to calibrate)',
    );
    expect(promiseInBrief(promise({ calibration: 'fixed', heldOut: null }))).toBe(
      'no promise (threshold set by hand)',
    );
    expect(promiseInBrief(promise({ calibration: 'off', heldOut: null }))).toBe(
      'no promise (calibration switched off)',
    );
  });

  it('says nothing for a suggestion stored before runs were calibrated', () => {
    expect(promiseInBrief(undefined)).toBe('');
  });
});
