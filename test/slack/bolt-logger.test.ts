import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.ts';
import { boltLogger } from '../../src/slack/bolt-logger.ts';

/** Bolt's logger over the real process logger (JSON lines, with its redaction and serializers). */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    { level: 'debug', format: 'json' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { bolt: boltLogger(logger), lines };
}

describe("Bolt's log lines", () => {
  it('an error Bolt logs keeps its type, message, stack and code', () => {
    const { bolt, lines } = capture();
    const error = Object.assign(new TypeError('the listener broke'), { code: 'slack_bolt_unknown' });
    bolt.error('An unhandled error occurred while Bolt processed an event', error);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'An unhandled error occurred while Bolt processed an event',
        err: expect.objectContaining({
          type: 'TypeError',
          message: 'the listener broke',
          code: 'slack_bolt_unknown',
          stack: expect.stringContaining('TypeError: the listener broke'),
        }),
      }),
    ]);
  });

  it('an error alone is logged with its message as the line', () => {
    const { bolt, lines } = capture();
    bolt.warn(new Error('socket closed'));
    expect(lines[0]).toEqual(
      expect.objectContaining({
        level: 40,
        msg: 'socket closed',
        err: expect.objectContaining({ message: 'socket closed' }),
      }),
    );
  });

  it('the request an HTTP error carries, and any token in what Bolt hands over, never reach the line', () => {
    const { bolt, lines } = capture();
    const error = Object.assign(new Error('A request error occurred: socket hang up'), {
      code: 'slack_webapi_request_error',
      original: { config: { headers: { Authorization: 'Bearer xoxb-111-222-abc' } } },
      config: { headers: { Authorization: 'Bearer xoxb-111-222-abc' } },
    });
    bolt.error('http request failed', error, {
      headers: { Authorization: 'Bearer xoxb-333' },
      note: 'token xoxp-444-555',
    });
    const line = lines[0]!;
    expect(line.err).toEqual(
      expect.objectContaining({ code: 'slack_webapi_request_error', message: error.message }),
    );
    expect(line.details).toEqual([{ headers: { Authorization: '[redacted]' }, note: 'token [redacted]' }]);
    expect(JSON.stringify(line)).not.toMatch(/xox[a-z]-|Bearer [^[]/);
  });

  it('a bearer credential in a message is scrubbed; prose that names an auth scheme is not', () => {
    const { bolt, lines } = capture();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    bolt.error(new Error(`the call with Bearer ${jwt} failed: Basic authentication is not supported`));
    expect(lines[0]?.err).toEqual(
      expect.objectContaining({
        message: 'the call with [redacted] failed: Basic authentication is not supported',
      }),
    );
    expect(JSON.stringify(lines)).not.toContain(jwt);
  });
});
