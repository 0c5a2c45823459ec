import { describe, expect, it } from 'vitest';
import {
  calibrationBadge,
  heldOutCheckInWords,
  percentInWords,
} from '../../console/src/pages/suggestions/calibration-words.ts';

// The Suggestions page's words for how a run chose its threshold and what a suggestion promises.

const heldOut = { denials: 1200, falseApprovals: 3, falseApprovalUpperBound: 0.0082 };

describe('the calibration on the Suggestions page', () => {
  it('says shares with the decimals small ones need', () => {
    expect(percentInWords(0.0082)).toBe('0.82%');
    expect(percentInWords(0.01)).toBe('1%');
    expect(percentInWords(0.965)).toBe('96.5%');
    expect(percentInWords(0.95)).toBe('95%');
  });

  it('badges only a calibrated threshold as a promise', () => {
    expect(calibrationBadge('calibrated')).toEqual({ label: 'calibrated', tone: 'good' });
    expect(calibrationBadge('strictest')).toEqual({ label: 'no promise: strictest', tone: 'warn' });
    expect(calibrationBadge('too-few-denials')).toEqual({ label: 'no promise: few denials', tone: 'warn' });
    expect(calibrationBadge('fixed')).toEqual({ label: 'threshold set by hand', tone: 'neutral' });
    expect(calibrationBadge('off')).toEqual({ label: 'no promise: calibration off', tone: 'warn' });
    expect(calibrationBadge('something-newer')).toEqual({ label: 'something-newer', tone: 'neutral' });
  });

  it("says the held-out check: denied requests the rules approved, and the bound's ceiling", () => {
    expect(heldOutCheckInWords(heldOut)).toBe(
      'held-out check: 3 of 1,200 denied requests approved (at most 0.82%)',
    );
  });
});
