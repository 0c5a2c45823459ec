import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LogLine, logLevels, useSurfaceWorld } from '../security/support/surface-world.ts';
import { type FailureMode, FakeSlack } from '../support/fake-slack.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { requestAccessMutation } from '../support/requests-fixture.ts';

/**
 * A Slack call that fails inside the job worker is logged with its error (type, message, code), and
 * nothing secret reaches the log: not the bot token (which the HTTP client's request headers carry),
 * not a bearer token, not an agent's client secret, not the signing secret.
 */

const botToken = 'xoxb-1234567890-secret-bot-token';
const signingSecret = 'slack-signing-secret-never-logged';
let slack: FakeSlack;

beforeAll(async () => {
  slack = await FakeSlack.start({ token: botToken });
});
const t = useSurfaceWorld(() => ({
  SLACK_BOT_TOKEN: botToken,
  SLACK_SIGNING_SECRET: signingSecret,
  SLACK_API_URL: slack.apiUrl,
  SLACK_APPROVALS_CHANNEL: 'C0APPROVALS',
  APERTURE_JOB_POLL_MS: '50',
}));
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const secrets: string[] = [botToken, signingSecret];

let agents = 0;
/** Files a request that a person must approve, so the job worker posts an approval prompt to Slack. */
async function fileRoutedRequest(): Promise<void> {
  agents += 1;
  const agent = await t.world.governance.registerAgent({
    name: `Logged agent ${agents}`,
    ownerEmail: 'ana@acme.test',
    allowedIntents: ['analytics'],
    ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
  });
  const subjectToken = await t.idp.subjectToken('ana@acme.test');
  const exchanged = await exchangeToken(t.world.service.url, agent, {
    subject_token: subjectToken,
    intent: 'analytics',
  });
  const token = exchanged.body.access_token;
  if (!token) throw new Error(JSON.stringify(exchanged.body));
  secrets.push(agent.clientSecret, subjectToken, token);
  const filed = await t.world.gql<{ requestAccess: { request: { status: string } } }>(
    token,
    requestAccessMutation,
    {
      input: {
        paths: ['analytics.marts.customers'],
        tier: 'READ',
        justification: 'Churn analysis for the board',
        duration: 'PT8H',
      },
    },
  );
  expect(filed.data?.requestAccess.request.status).toBe('PENDING');
}

/** Waits for the first line logged after `from` that `matches`. */
async function lineAfter(from: number, matches: (line: LogLine) => boolean): Promise<LogLine> {
  await expect.poll(() => t.logs.slice(from).some(matches), { timeout: 30_000, interval: 100 }).toBe(true);
  return t.logs.slice(from).find(matches)!;
}

const errorOf = (line: LogLine) => (line.err ?? {}) as Record<string, unknown>;

function expectNoSecretIn(lines: LogLine[]): void {
  const text = JSON.stringify(lines);
  expect(text).not.toContain('xoxb-');
  expect(text).not.toMatch(/bearer\s+[A-Za-z0-9._~+/-]/i);
  expect(text).not.toMatch(/basic\s+[A-Za-z0-9+/=]{8}/i);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

const failures: [string, FailureMode, string, RegExp][] = [
  ['Slack answers HTTP 500', { status: 500 }, 'slack_webapi_http_error', /statusCode = 500/],
  [
    'the bot token is refused (invalid_auth)',
    { error: 'invalid_auth' },
    'slack_webapi_platform_error',
    /invalid_auth/,
  ],
  [
    'the connection closes without an answer',
    { disconnect: true },
    'slack_webapi_request_error',
    /A request error occurred/,
  ],
];

describe('a failed Slack call in a job is logged with its error and without a secret', () => {
  it.each(failures)('%s', async (_name, mode, code, message) => {
    slack.failNext(1, mode, { method: 'chat.postMessage' });
    const from = t.logs.length;
    await fileRoutedRequest();
    const failed = await lineAfter(from, (line) => line.msg === 'job failed' && errorOf(line).code === code);
    expect(failed.level).toBe(logLevels.warn);
    expect(errorOf(failed)).toEqual(
      expect.objectContaining({ type: 'Error', code, message: expect.stringMatching(message) }),
    );
    expect(String(errorOf(failed).stack)).toContain('Error:');
    expectNoSecretIn(t.logs);
  });

  it('Slack rate-limits the call: the job waits as asked, and the log still holds no secret', async () => {
    slack.failNext(1, { ratelimited: 1 }, { method: 'chat.postMessage' });
    const from = t.logs.length;
    await fileRoutedRequest();
    const waiting = await lineAfter(from, (line) => line.msg === 'job asked to retry later');
    expect(waiting).toEqual(expect.objectContaining({ retryAfterMs: 1_000 }));
    expectNoSecretIn(t.logs);
  });

  it('the failed prompts are delivered once Slack answers again', async () => {
    await slack.waitFor((call) => call.method === 'chat.postMessage' && call.status === 200, 30_000);
    expectNoSecretIn(t.logs);
  });
});
