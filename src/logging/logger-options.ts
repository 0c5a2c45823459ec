/** The levels the logger accepts, most severe first (`silent` writes nothing). */
export const logLevelNames = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevelName = (typeof logLevelNames)[number];

/**
 * What the logger needs to know, and nothing else: config/ builds it from the environment, so the
 * logger never reads the service's configuration.
 */
export interface LoggerOptions {
  level: LogLevelName;
  /** `pretty`: one readable line per entry; `json`: pino's JSON lines. */
  format: 'pretty' | 'json';
}
