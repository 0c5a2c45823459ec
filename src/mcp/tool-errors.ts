import type { CallToolResult } from '@modelcontextprotocol/server';
import { databaseUnavailable } from '../db/database-unavailable.ts';
import { ApertureError, type ErrorCode } from '../shared/errors.ts';

/**
 * A refused or failed call as the agent sees it: a tool error (`isError`), so the model reads why,
 * with our stable code first. Library messages never reach the agent; an unexpected error says
 * only that, with the request id to find it in the log. A database outage is UNAVAILABLE and
 * `retryable`: the same call may succeed in a moment.
 */
export function toolError(
  error: unknown,
  requestId: string,
): { result: CallToolResult; expected: boolean; retryable?: true } {
  if (error instanceof ApertureError)
    return { result: errorResult(error.code, error.message), expected: true };
  const unavailable = databaseUnavailable(error);
  if (unavailable) {
    const result = errorResult(unavailable.code, unavailable.message, { retryable: true });
    return { result, expected: true, retryable: true };
  }
  return {
    result: errorResult('INTERNAL_SERVER_ERROR', `unexpected error (request id ${requestId})`),
    expected: false,
  };
}

/** A tool error in our words: the stable code first, and `{ error: { code, message } }`. */
export function errorResult(
  code: ErrorCode | 'INTERNAL_SERVER_ERROR',
  message: string,
  more: { retryable?: true } = {},
): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${message}` }],
    structuredContent: { error: { code, message, ...more } },
  };
}
