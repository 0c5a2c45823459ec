import { parse, toSeconds } from 'iso8601-duration';
import { z } from 'zod';

/**
 * Seconds of an ISO 8601 duration (`PT8H`, `P1D`, `P1DT12H`), or null when it is not one. Years
 * and months are refused: their length depends on the calendar, and limits must be exact.
 */
export function durationSeconds(text: string): number | null {
  try {
    const parsed = parse(text.trim());
    if (parsed.years || parsed.months) return null;
    const seconds = toSeconds(parsed);
    return Number.isFinite(seconds) ? seconds : null;
  } catch {
    return null;
  }
}

/** A duration given as seconds (a number or digits) or as ISO 8601 (`PT1H`, `P1D`), parsed to seconds. */
export const durationSchema = z
  .union([z.number().int().positive(), z.string()])
  .transform((value, context) => {
    const seconds =
      typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : durationSeconds(value);
    if (seconds === null || seconds <= 0) {
      context.addIssue({ code: 'custom', message: 'must be seconds or an ISO 8601 duration such as PT8H' });
      return z.NEVER;
    }
    return seconds;
  });
