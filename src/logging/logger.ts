import { type DestinationStream, type Logger, pino } from 'pino';
import { serializeError } from './error-serializer.ts';
import type { LoggerOptions } from './logger-options.ts';
import { scrubSecrets } from './scrub-secrets.ts';

export type { Logger } from 'pino';
export type { LoggerOptions, LogLevelName } from './logger-options.ts';
export { logLevelNames } from './logger-options.ts';

/**
 * Paths that may carry credentials; pino replaces their values before anything is written. Paths
 * are exact (case too), so each spelling of a header is listed; errors and `details` are scrubbed
 * by their serializers as well (see scrub-secrets.ts).
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.headers.authorization',
  '*.*.headers.Authorization',
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
  'authorization',
  'Authorization',
  'password',
  'secret',
  'token',
  'clientSecret',
  'client_secret',
  'botToken',
  'appToken',
  'signingSecret',
  '*.password',
  '*.secret',
  '*.token',
  '*.clientSecret',
  '*.client_secret',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  'databaseUrl',
];

/**
 * Human-readable lines: one line per entry (context as inline JSON after the message), colours only
 * when stdout is a terminal, so a log redirected to a file never holds ANSI codes.
 */
function prettyOptions() {
  return {
    colorize: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    singleLine: true,
    ignore: 'pid,hostname,service',
    translateTime: 'SYS:HH:MM:ss.l',
  };
}

/** The process logger; `destination` (JSON lines) replaces stdout, e.g. for tests that read the log. */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const pinoOptions = {
    level: options.level,
    base: { service: 'aperture' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    // `err` keeps an error's type, message, stack and code; `details` holds what a library handed
    // our adapters (Bolt, Prisma). Both are scrubbed of anything that looks like a credential.
    serializers: { err: serializeError, details: scrubSecrets },
  };
  if (destination) return pino(pinoOptions, destination);
  return pino({
    ...pinoOptions,
    ...(options.format === 'pretty'
      ? { transport: { target: 'pino-pretty', options: prettyOptions() } }
      : {}),
  });
}

export { redactUrl } from './redact-url.ts';
export { scrubText } from './scrub-secrets.ts';
