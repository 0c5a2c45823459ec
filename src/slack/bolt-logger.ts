import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import { type Logger, scrubText } from '../logging/logger.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Bolt's logger interface over our pino logger (Bolt's own level is left to pino). Bolt and the Web
 * API client log `(text, error)` or `(error)`: the error goes to pino as `err`, so it keeps its type,
 * message, stack and code (and is scrubbed of credentials); other objects go to `details`.
 */
export function boltLogger(logger: Logger): SlackLogger {
  const write =
    (level: Level) =>
    (...parts: unknown[]) => {
      const err = parts.find((part) => part instanceof Error);
      const rest = parts.filter((part) => part !== err);
      const text = rest.filter((part) => typeof part === 'string').join(' ');
      const details = rest.filter((part) => typeof part !== 'string');
      logger[level](
        { ...(err ? { err } : {}), ...(details.length > 0 ? { details } : {}) },
        // The message is written as it is (no serializer sees it): scrub it like the error.
        scrubText(text || (err instanceof Error ? err.message : '')),
      );
    };
  let level = LogLevel.INFO;
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
