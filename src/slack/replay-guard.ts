import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.ts';

const windowSeconds = 300;
/** More distinct signed requests than this in five minutes are not expected; the oldest are forgotten first. */
const maxRemembered = 100_000;

/**
 * Before Bolt checks the signature: refuses requests timestamped more than five minutes away
 * (Bolt refuses old ones but not future ones) and replays of a request already accepted in that
 * window. A signature is remembered only once Bolt accepted the request (answered 2xx), so forged
 * requests cost nothing to keep; it is keyed as Bolt reads it (`v0=<hash>`, whatever follows).
 * Per replica; a replay to another replica still meets an idempotent, already-decided request.
 */
export function rejectStaleOrReplayed(
  next: (request: IncomingMessage, response: ServerResponse) => void,
  logger: Logger,
): (request: IncomingMessage, response: ServerResponse) => void {
  // Insertion order is (nearly) expiry order: forgetting walks from the front.
  const accepted = new Map<string, number>();
  const forgetExpired = (now: number) => {
    for (const [signature, expires] of accepted) {
      if (expires >= now && accepted.size <= maxRemembered) break;
      accepted.delete(signature);
    }
  };
  return (request, response) => {
    const now = Math.floor(Date.now() / 1000);
    // Whole seconds in decimal digits, as Slack sends them: `0x…` or `1.5e9` would pass Number()
    // and be signed by Bolt as their numeric value, so one signature would have many spellings.
    const given = String(request.headers['x-slack-request-timestamp'] ?? '');
    const timestamp = /^\d{1,12}$/.test(given) ? Number(given) : Number.NaN;
    const signature = String(request.headers['x-slack-signature'] ?? '')
      .split('=')
      .slice(0, 2)
      .join('=');
    const refuse = (reason: string) => {
      logger.warn({ reason }, 'refused a Slack request');
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end(reason);
    };
    if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > windowSeconds) {
      refuse('stale or future timestamp');
      return;
    }
    forgetExpired(now);
    if (accepted.has(signature)) {
      refuse('replayed request');
      return;
    }
    response.once('finish', () => {
      if (response.statusCode >= 200 && response.statusCode < 300)
        accepted.set(signature, timestamp + windowSeconds);
    });
    next(request, response);
  };
}
