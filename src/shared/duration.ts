import { z } from 'zod';

/**
 * The ISO 8601 durations we accept, matched as a whole string: days and a time part, each
 * designator at most once and in order (`P1D`, `PT8H`, `P1DT12H30M`), or weeks alone (`P2W`, as
 * ISO 8601 writes them). Years and months are refused: their length depends on the calendar, and
 * limits must be exact. Fractions are refused: grants last whole seconds. Designators are upper
 * case and nothing may surround the duration, so `PT1H;DROP`, `PT1M-30S`, `PT1H1H`, `P1DT`, `P`
 * and ` PT1H` are not durations (a lenient parser reading a prefix would take them).
 */
const isoDuration =
  /^P(?!$)(?:(?<weeks>\d+)W|(?:(?<days>\d+)D)?(?:T(?=\d)(?:(?<hours>\d+)H)?(?:(?<minutes>\d+)M)?(?:(?<seconds>\d+)S)?)?)$/;

const secondsPer = { weeks: 7 * 86_400, days: 86_400, hours: 3600, minutes: 60, seconds: 1 } as const;

/** Seconds of an ISO 8601 duration (see `isoDuration`), or null when the whole string is not one. */
export function durationSeconds(text: string): number | null {
  const groups = isoDuration.exec(text)?.groups;
  if (!groups) return null;
  let total = 0;
  for (const [unit, factor] of Object.entries(secondsPer)) {
    const digits = groups[unit];
    if (digits !== undefined) total += Number(digits) * factor;
  }
  return Number.isSafeInteger(total) ? total : null;
}

/** The longest duration accepted anywhere (a year): longer is a typo, not a request. */
export const maxDurationSeconds = 366 * 86_400;

/**
 * Seconds of a duration given as whole seconds (a number, or digits only) or as ISO 8601 (see
 * `isoDuration`): a problem message when it is not one, is not positive or is longer than a year.
 */
export function parseDuration(value: number | string): { seconds: number } | { problem: string } {
  const seconds =
    typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : durationSeconds(value);
  if (seconds === null || !Number.isSafeInteger(seconds) || seconds <= 0) {
    return { problem: 'must be whole seconds or an ISO 8601 duration such as PT8H, P1D or P1DT12H' };
  }
  if (seconds > maxDurationSeconds) return { problem: 'must be at most a year' };
  return { seconds };
}

/** A duration given as whole seconds (a number or digits) or as ISO 8601 (`PT1H`, `P1D`), parsed to seconds. */
export const durationSchema = z.union([z.number(), z.string()]).transform((value, context) => {
  const parsed = parseDuration(value);
  if ('problem' in parsed) {
    context.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }
  return parsed.seconds;
});
