import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from '../config/config.ts';

export type { Logger } from 'pino';

/** Paths that may carry credentials; pino replaces their values before anything is written. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
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
export function createLogger(config: Pick<Config, 'log'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.log.level,
    base: { service: 'aperture' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  return pino({
    ...options,
    ...(config.log.format === 'pretty'
      ? { transport: { target: 'pino-pretty', options: prettyOptions() } }
      : {}),
  });
}

export { redactUrl } from './redact-url.ts';
