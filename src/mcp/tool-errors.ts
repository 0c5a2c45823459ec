import type { CallToolResult } from '@modelcontextprotocol/server';
import { ApertureError, type ErrorCode } from '../shared/errors.ts';

/**
 * A refused or failed call as the agent sees it: a tool error (`isError`), so the model reads why,
 * with our stable code first. Library messages never reach the agent; an unexpected error says
 * only that, with the request id to find it in the log.
 */
export function toolError(error: unknown, requestId: string): { result: CallToolResult; expected: boolean } {
  if (error instanceof ApertureError)
    return { result: errorResult(error.code, error.message), expected: true };
  return {
    result: errorResult('INTERNAL_SERVER_ERROR', `unexpected error (request id ${requestId})`),
    expected: false,
  };
}

/** A tool error in our words: the stable code first, and `{ error: { code, message } }`. */
export function errorResult(code: ErrorCode | 'INTERNAL_SERVER_ERROR', message: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${message}` }],
    structuredContent: { error: { code, message } },
  };
}
