/**
 * Credentials that look like themselves wherever they hide (a message, a header an error carried):
 * Slack tokens, and bearer or basic credentials long enough not to be a word of prose ("Basic
 * authentication failed" stays). The last line of defence behind the redact paths.
 */
const secretPatterns: RegExp[] = [
  /\bxox[a-z]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
];

/**
 * Keys whose values an HTTP client's error carries along: the request it sent (its headers hold the
 * bearer token) and the raw response. They explain nothing the error's message and code do not.
 */
const droppedKeys = new Set(['config', 'request', 'response', 'original', 'raw']);

export const scrubbedValue = '[redacted]';

export function scrubText(text: string): string {
  return secretPatterns.reduce((result, pattern) => result.replace(pattern, scrubbedValue), text);
}

/**
 * A copy of `value` that is safe to log: strings scrubbed, the keys above dropped, cycles and depth
 * cut. Used for errors and for what libraries hand our logger adapters, which the redact paths
 * (exact paths) cannot foresee.
 */
export function scrubSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value) || depth > 8) return '[cut]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (droppedKeys.has(key)) continue;
    copy[key] = /^(authorization|cookie)$/i.test(key) ? scrubbedValue : scrubSecrets(item, depth + 1, seen);
  }
  return copy;
}
