import type { Logger } from '../../logging/logger.ts';
import { formatShare as percent } from '../format-share.ts';
import { formatCondition } from '../rule-condition.ts';
import type { StoredEvidence, StoredSuggestion } from './stored-suggestion.ts';

/**
 * A suggestion's promise in a few words, for a digest line: the held-out check when its threshold
 * was calibrated, why there is no promise otherwise; empty for suggestions stored before runs were
 * calibrated.
 */
export function promiseInBrief(promise: StoredEvidence['promise']): string {
  if (!promise) return '';
  const { heldOut } = promise;
  if (promise.calibration === 'calibrated' && heldOut) {
    return `calibrated: ${heldOut.falseApprovals.toLocaleString('en-US')} of ${heldOut.denials.toLocaleString('en-US')} held-out denials approved (at most ${percent(heldOut.falseApprovalUpperBound)})`;
  }
  const why =
    {
      calibrated: 'a deny rule: the promise is about approvals',
      strictest: `strictest threshold, false approvals not shown within ${percent(promise.targetFalseApprovalRate)}`,
      'too-few-denials': 'too few denials to calibrate',
      fixed: 'threshold set by hand',
      off: 'calibration switched off',
    }[promise.calibration] ?? promise.calibration;
  return `no promise (${why})`;
}

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
          promise: promiseInBrief(suggestion.evidence.promise) || undefined,
        })),
      },
      `${suggestions.length} new rule suggestion(s) to review (no governance channel is configured)`,
    );
  }
}
