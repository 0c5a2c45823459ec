import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type BlockAction, HTTPReceiver, LogLevel } from '@slack/bolt';
import {
  ErrorCode,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../support/failure-of.ts';
import { FakeSlack } from '../support/fake-slack.ts';
import {
  blockActionBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionPayload,
} from '../support/slack-signing.ts';

let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = await FakeSlack.start();
  // retries: 0 and rejectRateLimitedCalls, or WebClient retries (and sleeps on 429s) for ~30 minutes.
  client = new WebClient('xoxb-test', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

function platformError(error: Error): string {
  expect((error as WebAPIPlatformError).code).toBe(ErrorCode.PlatformError);
  return String((error as WebAPIPlatformError).data.error);
}

describe('FakeSlack through a real WebClient', () => {
  it('posts, updates and reads back a message with its metadata and blocks', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Pending*' } }];
    const metadata = { event_type: 'aperture_request', event_payload: { request_id: 'req-1' } };
    const posted = await client.chat.postMessage({
      channel: 'C0APPROVALS',
      text: 'Pending',
      blocks,
      metadata,
    });
    expect(posted).toMatchObject({ ok: true, channel: 'C0APPROVALS', message: { text: 'Pending' } });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);

    // WebClient form-encodes and JSON-stringifies blocks/metadata; the fake records them parsed.
    const call = await fake.waitFor((candidate) => candidate.method === 'chat.postMessage');
    expect(call.body).toMatchObject({ channel: 'C0APPROVALS', blocks, metadata });
    expect(call.token).toBe('xoxb-test');

    const second = await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'Another' });
    expect(Number(second.ts)).toBeGreaterThan(Number(posted.ts));

    await client.chat.update({ channel: 'C0APPROVALS', ts: posted.ts!, text: 'Approved', blocks: [] });
    const history = await client.conversations.history({ channel: 'C0APPROVALS', limit: 10 });
    expect(history.messages?.map((message) => message.text)).toEqual(['Another', 'Approved']);
    expect(history.messages?.[1]).toMatchObject({ ts: posted.ts, metadata, blocks: [] });
    expect(fake.messages('C0APPROVALS')[0]).toMatchObject({ text: 'Approved', metadata, updates: 1 });

    const newer = await client.conversations.history({ channel: 'C0APPROVALS', oldest: posted.ts! });
    expect(newer.messages?.map((message) => message.ts)).toEqual([second.ts]);
  });

  it('posts to a user id as a DM and looks users up by email', async () => {
    fake.addUser({ id: 'U0ALICE', email: 'alice@example.com', name: 'alice' });
    const found = await client.users.lookupByEmail({ email: 'Alice@example.com' });
    expect(found.user).toMatchObject({ id: 'U0ALICE', profile: { email: 'alice@example.com' } });
    expect(platformError(await failureOf(client.users.lookupByEmail({ email: 'bob@example.com' })))).toBe(
      'users_not_found',
    );

    const dm = await client.chat.postMessage({ channel: 'U0ALICE', text: 'Your request was approved' });
    expect(dm.channel).toBe('DU0ALICE');
    expect((await client.conversations.open({ users: 'U0ALICE' })).channel?.id).toBe(dm.channel);
    expect(fake.messages(dm.channel)).toHaveLength(1);
    // Updates need the DM channel the post answered with, not the user id.
    expect(
      platformError(await failureOf(client.chat.update({ channel: 'U0ALICE', ts: dm.ts!, text: 'x' }))),
    ).toBe('channel_not_found');
  });

  it('rejects what Slack rejects, as platform errors', async () => {
    const attempts: [Promise<unknown>, string][] = [
      [client.chat.postMessage({ channel: 'C1', text: 'x'.repeat(40_001) }), 'msg_too_long'],
      [
        client.chat.postMessage({ channel: 'C1', text: 'x', blocks: Array(51).fill({ type: 'divider' }) }),
        'invalid_blocks',
      ],
      [
        client.apiCall('chat.postMessage', { channel: 'C1', text: 'x', blocks: [{ text: 'no type' }] }),
        'invalid_blocks',
      ],
      [
        client.apiCall('chat.postMessage', { channel: 'C1', text: 'x', blocks: '[not json' }),
        'invalid_blocks',
      ],
      [
        client.apiCall('chat.postMessage', {
          channel: 'C1',
          text: 'x',
          metadata: { event_type: 'only_type' },
        }),
        'invalid_metadata',
      ],
      [client.apiCall('chat.postMessage', { channel: 'C1' }), 'no_text'],
      [client.chat.update({ channel: 'C1', ts: '1700000000.000100', text: 'x' }), 'message_not_found'],
      [
        client.views.open({
          trigger_id: '',
          view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] },
        }),
        'invalid_arguments',
      ],
      [client.apiCall('nope.nothing', {}), 'unknown_method'],
    ];
    // Handlers are attached at once (Promise.all), so no attempt's rejection goes unhandled meanwhile.
    const errors = await Promise.all(attempts.map(([attempt]) => failureOf(attempt)));
    expect(errors.map(platformError)).toEqual(attempts.map(([, expected]) => expected));

    fake.failChannel('#secret-room');
    expect(
      platformError(await failureOf(client.chat.postMessage({ channel: '#secret-room', text: 'x' }))),
    ).toBe('channel_not_found');
    const named = await client.chat.postMessage({ channel: '#approvals', text: 'x' });
    expect(named.channel).toBe(fake.channelId('approvals'));
  });

  it('answers a wrong token with invalid_auth', async () => {
    const stranger = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    expect(platformError(await failureOf(stranger.auth.test()))).toBe('invalid_auth');
    expect((await client.auth.test()).ok).toBe(true);
  });

  it('rate limits with Retry-After, which WebClient reports as retryAfter on the error', async () => {
    fake.failNext(1, { ratelimited: 7 }, { method: 'chat.postMessage' });
    await client.auth.test(); // a failure aimed at one method leaves the others alone
    const error = (await failureOf(
      client.chat.postMessage({ channel: 'C1', text: 'x' }),
    )) as WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
  });

  it('fails with HTTP 500 when told to, or while down', async () => {
    fake.failNext(1, { status: 500 });
    const error = (await failureOf(client.auth.test())) as WebAPIHTTPError;
    expect(error.code).toBe(ErrorCode.HTTPError);
    expect(error.statusCode).toBe(500);

    fake.failNext(1, { error: 'fatal_error' });
    expect(platformError(await failureOf(client.auth.test()))).toBe('fatal_error');

    fake.down();
    expect(((await failureOf(client.auth.test())) as WebAPIHTTPError).statusCode).toBe(500);
    expect(((await failureOf(client.auth.test())) as WebAPIHTTPError).statusCode).toBe(500);
    fake.up();
    expect((await client.auth.test()).ok).toBe(true);
  });

  it('records ephemerals and opened views', async () => {
    await client.chat.postEphemeral({ channel: 'C1', user: 'U0BOB', text: 'Already approved by Alice' });
    expect(fake.ephemerals).toMatchObject([
      { channel: 'C1', user: 'U0BOB', text: 'Already approved by Alice' },
    ]);
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Deny' }, blocks: [] };
    const opened = await client.views.open({ trigger_id: '123.456.abc', view });
    expect(fake.views).toMatchObject([{ id: opened.view?.id, triggerId: '123.456.abc', view }]);
  });
});

describe('signed requests into a Bolt app that calls FakeSlack', () => {
  const signingSecret = 'test-signing-secret';
  let server: Server;
  let eventsUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    const receiver = new HTTPReceiver({
      signingSecret,
      endpoints: '/slack/events',
      processBeforeResponse: true,
      logLevel: LogLevel.ERROR,
    });
    const app = new App({
      token: 'xoxb-test',
      receiver,
      tokenVerificationEnabled: false,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/aperture', async ({ ack, command, client: slack, respond }) => {
      await ack();
      seen.push(`command ${command.text}`);
      await slack.chat.postMessage({ channel: command.user_id, text: `You asked: ${command.text}` });
      await respond({ text: 'On it' });
    });
    app.action<BlockAction>('approve', async ({ ack, body, action, client: slack }) => {
      await ack();
      seen.push(`action ${'value' in action ? action.value : ''} by ${body.user.id}`);
      await slack.chat.update({ channel: body.channel!.id, ts: body.message!.ts, text: 'Approved' });
    });
    app.view('deny_reason', async ({ ack, view }) => {
      await ack();
      seen.push(`view ${view.private_metadata} ${view.state.values.reason?.input?.value}`);
    });
    server = createServer(receiver.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function send(body: string, headers = signSlackRequest(signingSecret, body)): Promise<Response> {
    return fetch(eventsUrl, { method: 'POST', body, headers: { ...headers } });
  }

  it('routes a slash command, a button click and a modal submission to the listeners', async () => {
    const command = await send(
      slashCommandBody({ userId: 'U0ALICE', text: 'read payroll', responseUrl: fake.responseUrl('cmd') }),
    );
    expect(command.status).toBe(200);
    expect(fake.messages('DU0ALICE')).toMatchObject([{ text: 'You asked: read payroll' }]);
    expect((await fake.waitFor((call) => call.method === 'response_url')).body).toMatchObject({
      text: 'On it',
    });

    const posted = await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'Pending' });
    const click = await send(
      blockActionBody({ userId: 'U0BOB', actionId: 'approve', value: 'req-1', messageTs: posted.ts! }),
    );
    expect(click.status).toBe(200);
    expect(fake.messages('C0APPROVALS')).toMatchObject([{ ts: posted.ts, text: 'Approved' }]);

    const submission = viewSubmissionPayload({
      userId: 'U0BOB',
      callbackId: 'deny_reason',
      privateMetadata: 'req-2',
      values: { reason: { input: { type: 'plain_text_input', value: 'not needed' } } },
    });
    const submitted = await send(new URLSearchParams({ payload: JSON.stringify(submission) }).toString());
    expect(submitted.status).toBe(200);
    expect(seen).toEqual(['command read payroll', 'action req-1 by U0BOB', 'view req-2 not needed']);
  });

  it('rejects a bad signature and a stale timestamp', async () => {
    const body = slashCommandBody({ userId: 'U0MALLORY', text: 'grant all' });
    expect((await send(body, signSlackRequest('wrong-secret', body))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await send(body, signSlackRequest(signingSecret, body, stale))).status).toBe(401);
    expect(seen).not.toContain('command grant all');
  });
});
