import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.ts';
import { fileRoutedRequest, requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';
import {
  blockActionBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-signing.ts';

const signingSecret = 'slack-signing-secret-for-tests';
const approvalsChannel = 'C0APPROVALS';

let slack: FakeSlack;

const slackEnv = () => ({
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_SIGNING_SECRET: signingSecret,
  SLACK_API_URL: slack.apiUrl,
  SLACK_APPROVALS_CHANNEL: approvalsChannel,
  SLACK_LOOKUP_BY_EMAIL: 'true',
  APERTURE_JOB_POLL_MS: '50',
});

const t = useRequestWorld(slackEnv, async () => {
  slack = await FakeSlack.start({ token: 'xoxb-test' });
});
afterAll(() => slack.close());
beforeEach(() => slack.up());

/** POSTs a signed request to the real receiver, as Slack would. */
async function sendToSlackEndpoint(body: string, options: { timestamp?: number; secret?: string } = {}) {
  const headers = signSlackRequest(options.secret ?? signingSecret, body, options.timestamp);
  const response = await fetch(`${t.world.service.url}/slack/events`, {
    method: 'POST',
    headers: { ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function routedRequest(agent: string): Promise<string> {
  return fileRoutedRequest(t.world, await t.world.agentToken('ana@acme.test', { agent }));
}

/** The approval prompt in the approvals channel for this request (posted by the durable job). */
async function promptFor(requestId: string) {
  await expect
    .poll(
      () =>
        slack
          .messages(approvalsChannel)
          .find((message) => message.metadata?.event_payload.request_id === requestId),
      {
        timeout: 5_000,
      },
    )
    .toBeDefined();
  return slack
    .messages(approvalsChannel)
    .find((message) => message.metadata?.event_payload.request_id === requestId)!;
}

const approveClick = (userId: string, requestId: string, ts: string, seconds = 3_600) =>
  blockActionBody({
    userId,
    actionId: `aperture.approve.${seconds}`,
    value: requestId,
    channelId: approvalsChannel,
    messageTs: ts,
  });

const statusOf = async (requestId: string) =>
  (await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } })).status;

describe('the Slack receiver checks every request', () => {
  it('accepts a signed request and refuses bad signatures, stale or future timestamps and replays', async () => {
    const body = slashCommandBody({ userId: 'U0APPR01', text: 'pending' });
    const now = Math.floor(Date.now() / 1000);
    expect((await sendToSlackEndpoint(body, { secret: 'wrong-secret' })).status).toBe(401);
    expect((await sendToSlackEndpoint(body, { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await sendToSlackEndpoint(body, { timestamp: now + 6 * 60 })).status).toBe(401);
    const headers = signSlackRequest(signingSecret, body, now);
    const send = () =>
      fetch(`${t.world.service.url}/slack/events`, { method: 'POST', headers: { ...headers }, body });
    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/Nothing awaits your approval|Awaiting your approval/);
    expect((await send()).status).toBe(401);
    // Bolt reads only `v0=<hash>`: a suffix does not make a replay new.
    const suffixed = await fetch(`${t.world.service.url}/slack/events`, {
      method: 'POST',
      headers: { ...headers, 'x-slack-signature': `${headers['x-slack-signature']}=again` },
      body,
    });
    expect(suffixed.status).toBe(401);
  });
});

describe('approvals in Slack', () => {
  it('posts the prompt, takes a click, grants, updates the message and tells the human', async () => {
    const requestId = await routedRequest('Slack agent');
    const prompt = await promptFor(requestId);
    const shown = JSON.stringify(prompt.blocks);
    expect(shown).toContain('Ana');
    expect(shown).toContain('Analyst, finance');
    expect(shown).toContain('Slack agent');
    expect(shown).toContain('analytics.marts.customers');
    expect(shown).toContain('confidential');
    expect(shown).toContain('Churn analysis for the board');
    expect(shown).toContain('customers-to-approvers');
    expect(shown).toMatch(/0 approved, 0 denied/);
    expect(shown).toContain('aperture.approve.3600');

    const click = await sendToSlackEndpoint(approveClick('U0APPR03', requestId, prompt.ts));
    expect(click.status).toBe(200);
    expect(await statusOf(requestId)).toBe('APPROVED');
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId } });
    expect(grant.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);

    const current = () =>
      JSON.stringify(slack.messages(approvalsChannel).find((message) => message.ts === prompt.ts)?.blocks);
    await expect.poll(current, { timeout: 5_000 }).toContain('Approved');
    const updated = current();
    expect(updated).toContain('Approver 3');
    expect(updated).not.toContain('aperture.approve');
    await expect
      .poll(
        () =>
          slack
            .messages('DU0ANA')
            .map((message) => message.text)
            .join(' '),
        { timeout: 5_000 },
      )
      .toMatch(/Approved/);
    expect(await t.db.prisma.auditEvent.count({ where: { type: 'slack.click', subjectId: requestId } })).toBe(
      1,
    );
    // The post is audited right after Slack took it: poll, the DM may have arrived a moment earlier.
    await expect
      .poll(() => t.db.prisma.auditEvent.count({ where: { type: 'slack.posted', subjectId: requestId } }))
      .toBeGreaterThanOrEqual(2);
  });

  it('lets the first of two simultaneous approvers win and tells the other who decided', async () => {
    const requestId = await routedRequest('Race agent');
    const prompt = await promptFor(requestId);
    const [one, two] = await Promise.all([
      sendToSlackEndpoint(approveClick('U0APPR05', requestId, prompt.ts)),
      sendToSlackEndpoint(approveClick('U0APPR06', requestId, prompt.ts)),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(await t.db.prisma.grant.count({ where: { requestId } })).toBe(1);
    const late = slack.ephemerals.find(
      (message) => ['U0APPR05', 'U0APPR06'].includes(message.user) && /Too late/.test(message.text ?? ''),
    );
    expect(late?.text).toMatch(/already approved by Approver [56]/);
  });

  it('refuses unknown and ineligible clickers and the requester, privately and audited', async () => {
    const requestId = await routedRequest('Refused agent');
    const prompt = await promptFor(requestId);
    for (const user of ['U0STRANGER', 'U0BOB', 'U0ANA']) {
      expect((await sendToSlackEndpoint(approveClick(user, requestId, prompt.ts))).status).toBe(200);
    }
    expect(await statusOf(requestId)).toBe('PENDING');
    const refusals = slack.ephemerals.filter((message) =>
      message.text?.startsWith('You cannot decide this request'),
    );
    expect(refusals.map((message) => message.user)).toEqual(
      expect.arrayContaining(['U0STRANGER', 'U0BOB', 'U0ANA']),
    );
    expect(refusals.find((message) => message.user === 'U0ANA')?.text).toMatch(/your own behalf/);
    expect(
      await t.db.prisma.auditEvent.count({ where: { type: 'slack.click-refused', subjectId: requestId } }),
    ).toBe(3);
  });

  it('maps an unlinked Slack user by email when enabled, and refuses an email linked to someone else', async () => {
    slack.addUser({ id: 'U0MARK', email: 'mark@acme.test', name: 'Mark' });
    slack.addUser({ id: 'U0IMPOSTOR', email: 'ana@acme.test', name: 'Not Ana' });
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Email agent' });
    const filed = await t.world.gql<{ requestAccess: { request: { id: string } } }>(
      token,
      requestAccessMutation,
      {
        input: {
          paths: ['analytics.staging.stg_customers'],
          tier: 'READ',
          justification: 'Customer data quality',
          duration: 'PT1H',
        },
      },
    );
    const requestId = filed.data!.requestAccess.request.id;
    const prompt = await promptFor(requestId);
    await sendToSlackEndpoint(approveClick('U0MARK', requestId, prompt.ts));
    expect(await t.db.prisma.accessApproval.count({ where: { requestId } })).toBe(1);
    await sendToSlackEndpoint(approveClick('U0IMPOSTOR', requestId, prompt.ts));
    expect(slack.ephemerals.find((message) => message.user === 'U0IMPOSTOR')?.text).toMatch(
      /belongs to another Slack user/,
    );
    expect(await statusOf(requestId)).toBe('PENDING');
  });

  it('asks for a reason before denying, then updates the prompt', async () => {
    const requestId = await routedRequest('Denied agent');
    const prompt = await promptFor(requestId);
    const triggerId = 'trigger-deny-1';
    await sendToSlackEndpoint(
      blockActionBody({
        userId: 'U0APPR07',
        actionId: 'aperture.deny',
        value: requestId,
        channelId: approvalsChannel,
        messageTs: prompt.ts,
        triggerId,
      }),
    );
    const opened = slack.views.find((view) => view.triggerId === triggerId);
    expect(opened?.view.callback_id).toBe('aperture.deny-reason');
    const submit = await sendToSlackEndpoint(
      viewSubmissionBody({
        userId: 'U0APPR07',
        callbackId: 'aperture.deny-reason',
        privateMetadata: String(opened!.view.private_metadata),
        values: {
          reason: { reason: { type: 'plain_text_input', value: 'Use the aggregated mart instead' } },
        },
      }),
    );
    expect(submit.status).toBe(200);
    expect(await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      status: 'DENIED',
      decisionReason: 'Use the aggregated mart instead',
    });
    await expect
      .poll(
        () =>
          JSON.stringify(
            slack.messages(approvalsChannel).find((message) => message.ts === prompt.ts)?.blocks,
          ),
        { timeout: 5_000 },
      )
      .toContain('Use the aggregated mart instead');
  });

  it('answers /aperture pending, grants and revoke', async () => {
    const requestId = await routedRequest('Command agent');
    const prompt = await promptFor(requestId);
    const command = async (userId: string, text: string) =>
      (await sendToSlackEndpoint(slashCommandBody({ userId, text }))).text;
    expect(await command('U0APPR09', 'pending')).toContain(requestId);
    await sendToSlackEndpoint(approveClick('U0APPR09', requestId, prompt.ts));
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId } });
    expect(await command('U0APPR09', 'grants')).toContain(grant.id);
    expect(await command('U0APPR10', `revoke ${grant.id}`)).toMatch(/Cannot revoke/);
    expect(await command('U0APPR09', `revoke ${grant.id} no longer needed`)).toContain('is revoked');
    expect(await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({
      status: 'REVOKED',
      endReason: 'no longer needed',
    });
    expect(await command('U0STRANGER', 'pending')).toMatch(/does not know you/);
  });
});

describe('delivery survives Slack outages and restarts', () => {
  it('honours Retry-After and never posts twice', async () => {
    slack.failNext(1, { ratelimited: 1 }, { method: 'chat.postMessage' });
    const requestId = await routedRequest('Rate-limited agent');
    await promptFor(requestId);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const posts = slack
      .messages(approvalsChannel)
      .filter((message) => message.metadata?.event_payload.request_id === requestId);
    expect(posts).toHaveLength(1);
    const failed = slack.calls.filter((call) => call.method === 'chat.postMessage' && call.status === 429);
    expect(failed.length).toBeGreaterThan(0);
  });

  it('finds a post whose ts was never stored (a crash after Slack took it) instead of posting again', async () => {
    const requestId = await routedRequest('Crashed agent');
    const prompt = await promptFor(requestId);
    await t.db.prisma.slackMessage.updateMany({ where: { requestId }, data: { ts: null } });
    await t.db.prisma.job.create({
      data: {
        id: crypto.randomUUID(),
        kind: 'approvals.notify',
        payload: { kind: 'routed', requestId },
        runAt: new Date(),
      },
    });
    await expect
      .poll(async () => (await t.db.prisma.slackMessage.findFirst({ where: { requestId } }))?.ts, {
        timeout: 5_000,
      })
      .toBe(prompt.ts);
    const posts = slack
      .messages(approvalsChannel)
      .filter((message) => message.metadata?.event_payload.request_id === requestId);
    expect(posts).toHaveLength(1);
  });

  it('decides while Slack is down, and updates the message once Slack is back, also after a restart', async () => {
    const requestId = await routedRequest('Outage agent');
    const prompt = await promptFor(requestId);
    slack.down();
    expect((await sendToSlackEndpoint(approveClick('U0APPR11', requestId, prompt.ts))).status).toBe(200);
    expect(await statusOf(requestId)).toBe('APPROVED');
    await expect
      .poll(
        () => t.db.prisma.job.findFirst({ where: { kind: 'approvals.notify', lastError: { not: null } } }),
        { timeout: 5_000 },
      )
      .toBeTruthy();
    await t.stop();
    slack.up();
    await t.db.prisma.job.updateMany({ where: { kind: 'approvals.notify' }, data: { runAt: new Date() } });
    await t.start();
    await expect
      .poll(
        () =>
          JSON.stringify(
            slack.messages(approvalsChannel).find((message) => message.ts === prompt.ts)?.blocks,
          ),
        { timeout: 8_000 },
      )
      .toContain('Approved');
    await expect
      .poll(
        () =>
          slack
            .messages('DU0ANA')
            .filter((message) => message.metadata?.event_payload.request_id === requestId).length,
        { timeout: 5_000 },
      )
      .toBe(1);
  });
});
