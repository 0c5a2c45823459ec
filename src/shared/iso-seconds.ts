/** `2026-12-06T10:39:08Z`: a time in UTC to the second, as commands print it. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
