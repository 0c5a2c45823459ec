import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { RetryLaterError } from '../jobs/job-worker.ts';

/**
 * Turns Slack's rate limit into a retry at the time Slack names (Retry-After); any other failure
 * stays an error, and the durable job retries it with backoff.
 */
export async function slackCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const coded = error as Partial<WebAPICallError>;
    if (coded.code === ErrorCode.RateLimitedError && 'retryAfter' in coded) {
      throw new RetryLaterError(Number(coded.retryAfter) * 1000, `Slack rate-limited ${what}`);
    }
    throw error;
  }
}

/** A Slack platform error code (`message_not_found`, ...), if that is what failed. */
export function platformError(error: unknown): string | null {
  const coded = error as Partial<WebAPICallError>;
  return coded.code === ErrorCode.PlatformError && 'data' in coded ? String(coded.data?.error) : null;
}
