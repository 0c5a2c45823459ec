/** The two windows the overview offers: the last 30 days per day, the last 48 hours per hour. */
export type StatsRange = 'days' | 'hours';

export const statsRanges: Record<StatsRange, { label: string; bucket: 'DAY' | 'HOUR'; count: number }> = {
  days: { label: 'Last 30 days', bucket: 'DAY', count: 30 },
  hours: { label: 'Last 48 hours', bucket: 'HOUR', count: 48 },
};

const dayMs = 86_400_000;
const hourMs = 3_600_000;

/**
 * The window ending with the current bucket (today, or this hour), in whole UTC buckets: the API
 * counts per bucket from `from`, so both ends sit on bucket boundaries.
 */
export function statsWindow(range: StatsRange, now: Date): { from: string; to: string } {
  const { bucket, count } = statsRanges[range];
  const size = bucket === 'DAY' ? dayMs : hourMs;
  const end = Math.floor(now.getTime() / size) * size + size;
  return { from: new Date(end - count * size).toISOString(), to: new Date(end).toISOString() };
}

const dayLabel = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const hourLabel = new Intl.DateTimeFormat('en', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});
const hourDayLabel = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** A bucket's start as the axis shows it ("Dec 6", "14:00") and as the table does ("Dec 6, 14:00"). */
export function bucketLabel(range: StatsRange, start: string, long = false): string {
  const date = new Date(start);
  if (range === 'days') return dayLabel.format(date);
  return long ? `${hourDayLabel.format(date)} UTC` : hourLabel.format(date);
}
