import type { TimeWindow, Weekday } from './rule-schema.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether `at` falls inside the window: on one of its days, from `from` (inclusive) to `to` (exclusive), in its time zone. */
export function insideTimeWindow(window: TimeWindow, at: Date): boolean {
  const parts = formatter(window.timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((entry) => entry.type === type)?.value ?? '';
  const day = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  const clock = `${part('hour')}:${part('minute')}`;
  return window.days.includes(day) && clock >= window.from && clock < window.to;
}
