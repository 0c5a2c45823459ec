import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.ts';

const windowSeconds = 300;

/**
 * Before Bolt checks the signature: refuses requests timestamped more than five minutes away
 * (Bolt refuses old ones but not future ones) and exact replays of a request already received in
 * that window (same signature). Per replica; a replay to another replica still meets an
 * idempotent, already-decided request.
 */
export function rejectStaleOrReplayed(
  next: (request: IncomingMessage, response: ServerResponse) => void,
  logger: Logger,
): (request: IncomingMessage, response: ServerResponse) => void {
  const seen = new Map<string, number>();
  return (request, response) => {
    const now = Math.floor(Date.now() / 1000);
    const timestamp = Number(request.headers['x-slack-request-timestamp']);
    const signature = String(request.headers['x-slack-signature'] ?? '');
    const refuse = (reason: string) => {
      logger.warn({ reason }, 'refused a Slack request');
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end(reason);
    };
    if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > windowSeconds) {
      refuse('stale or future timestamp');
      return;
    }
    for (const [key, expires] of seen) if (expires < now) seen.delete(key);
    if (signature && seen.has(signature)) {
      refuse('replayed request');
      return;
    }
    if (signature) seen.set(signature, timestamp + windowSeconds);
    next(request, response);
  };
}
