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

/** The longest duration accepted anywhere (a year): longer is a typo, not a request. */
const maxSeconds = 366 * 86_400;

/** A duration given as whole seconds (a number or digits) or as ISO 8601 (`PT1H`, `P1D`), parsed to seconds. */
export const durationSchema = z.union([z.number(), z.string()]).transform((value, context) => {
  const text = String(value).trim();
  const seconds =
    typeof value === 'number'
      ? value
      : /^\d+$/.test(text)
        ? Number(text)
        : /^P/.test(text)
          ? durationSeconds(text)
          : null;
  if (seconds === null || !Number.isInteger(seconds) || seconds <= 0) {
    context.addIssue({
      code: 'custom',
      message: 'must be whole seconds or an ISO 8601 duration such as PT8H',
    });
    return z.NEVER;
  }
  if (seconds > maxSeconds) {
    context.addIssue({ code: 'custom', message: 'must be at most a year' });
    return z.NEVER;
  }
  return seconds;
});
