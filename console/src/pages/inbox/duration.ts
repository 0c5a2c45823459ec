/** A grant length as the approver types it: whole hours and minutes. */
export interface DurationInput {
  hours: string;
  minutes: string;
}

/** The longest grant aperture accepts (its duration parser stops at a year). */
const maxSeconds = 365 * 86_400;

export function durationInputOf(seconds: number): DurationInput {
  const minutes = Math.max(1, Math.round(seconds / 60));
  return { hours: String(Math.floor(minutes / 60)), minutes: String(minutes % 60) };
}

/** The duration in seconds, or why it is not one. */
export function parseDurationInput(input: DurationInput): { seconds: number } | { problem: string } {
  const hours = input.hours.trim() === '' ? 0 : Number(input.hours);
  const minutes = input.minutes.trim() === '' ? 0 : Number(input.minutes);
  if (!Number.isInteger(hours) || hours < 0) return { problem: 'Hours must be a whole number, 0 or more.' };
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 59) {
    return { problem: 'Minutes must be a whole number from 0 to 59.' };
  }
  const seconds = hours * 3_600 + minutes * 60;
  if (seconds < 60) return { problem: 'Give at least one minute.' };
  if (seconds > maxSeconds) return { problem: 'Give at most a year (8760 hours).' };
  return { seconds };
}

/** ISO 8601, as DecideAccessRequestInput.duration takes it: PT2H30M. */
export function isoDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.round((seconds % 3_600) / 60);
  return `PT${hours > 0 ? `${hours}H` : ''}${minutes > 0 || hours === 0 ? `${minutes}M` : ''}`;
}
