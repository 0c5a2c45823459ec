import type { Logger } from '../../logging/logger.ts';
import { formatCondition } from '../rule-condition.ts';
import type { StoredSuggestion } from './stored-suggestion.ts';

/**
 * Tells governance about new rule suggestions (Slack implements this port: a digest in a
 * governance channel). Called from a durable job, so a failure is retried: implementations must
 * be idempotent per run and throw to ask for a retry.
 */
export interface SuggestionDigest {
  readonly configured: boolean;
  /** The run's new suggestions that are still NEW, most support first; never empty. */
  post(suggestions: readonly StoredSuggestion[], run: { runId: string }): Promise<void>;
}

/** Without a governance channel: the digest goes to the log; suggestions wait in the API. */
export class LogOnlyDigest implements SuggestionDigest {
  readonly configured = false;

  constructor(private readonly logger: Logger) {}

  async post(suggestions: readonly StoredSuggestion[], run: { runId: string }): Promise<void> {
    this.logger.info(
      {
        runId: run.runId,
        suggestions: suggestions.map((suggestion) => ({
          id: suggestion.id,
          action: suggestion.action,
          when: suggestion.conditions.map(formatCondition).join(' and '),
          support: suggestion.evidence.support,
          lowerBound: suggestion.evidence.lowerBound,
        })),
      },
      `${suggestions.length} new rule suggestion(s) to review (no governance channel is configured)`,
    );
  }
}
