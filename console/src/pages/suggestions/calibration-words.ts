import { formatCount } from '../../ui/format.ts';

/** The held-out check of a run at its chosen threshold: denied requests its rules approved. */
export interface HeldOutCheck {
  denials: number;
  falseApprovals: number;
  falseApprovalUpperBound: number;
}

/** A share with as many decimals as small values need: 0.0082 → "0.82%", 0.965 → "96.5%", 0.01 → "1%". */
export function percentInWords(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 2 : 1).replace(/\.?0+$/, '')}%`;
}

/**
 * The short badge of a suggestion's calibration, and its tone: only a calibrated threshold makes a
 * promise on false approvals. Unknown statuses (a newer server) are shown as they are.
 */
export function calibrationBadge(status: string): { label: string; tone: 'good' | 'warn' | 'neutral' } {
  switch (status) {
    case 'calibrated':
      return { label: 'calibrated', tone: 'good' };
    case 'strictest':
      return { label: 'no promise: strictest', tone: 'warn' };
    case 'too-few-denials':
      return { label: 'no promise: few denials', tone: 'warn' };
    case 'fixed':
      return { label: 'threshold set by hand', tone: 'neutral' };
    case 'off':
      return { label: 'no promise: calibration off', tone: 'warn' };
    default:
      return { label: status, tone: 'neutral' };
  }
}

/** "held-out check: 3 of 1,200 denied requests approved (at most 0.82%)". */
export function heldOutCheckInWords(check: HeldOutCheck): string {
  return `held-out check: ${formatCount(check.falseApprovals)} of ${formatCount(check.denials)} denied requests approved (at most ${percentInWords(check.falseApprovalUpperBound)})`;
}
