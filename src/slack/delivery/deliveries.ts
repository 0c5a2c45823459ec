import { RetryLaterError } from '../../jobs/job-worker.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ApprovalEvent } from '../../requests/approval-notifier.ts';
import { platformError } from '../slack-errors.ts';

/** Slack errors that retrying will not fix: the target is skipped (and logged), the others still get theirs. */
const permanentErrors = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'user_disabled',
  'account_inactive',
  'cannot_dm_bot',
  'message_not_found',
  'cant_update_message',
  'restricted_action',
]);

/**
 * One delivery per target: a failing target neither blocks the others nor is retried forever when
 * Slack says it cannot work; transient failures fail the job after every target was tried.
 */
export class Deliveries {
  private failure: unknown;

  constructor(
    private readonly logger: Logger,
    private readonly event: ApprovalEvent,
  ) {}

  async run(target: string, deliver: () => Promise<void>): Promise<void> {
    try {
      await deliver();
    } catch (error) {
      const permanent = platformError(error);
      if (permanent && permanentErrors.has(permanent)) {
        this.logger.warn(
          { ...this.event, target, error: permanent },
          'a Slack target cannot be reached; skipped',
        );
        return;
      }
      // Retry-After wins over other failures: the whole job waits as long as Slack asks.
      if (!(this.failure instanceof RetryLaterError)) this.failure = error;
    }
  }

  throwIfAnyFailed(): void {
    if (this.failure) throw this.failure;
  }
}
