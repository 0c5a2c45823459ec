import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.ts';
import { fileRoutedRequest, useRequestWorld } from '../support/requests-fixture.ts';
import {
  blockActionBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-signing.ts';

/**
 * Attacks on the Slack door: requests to the real receiver at /slack/events that are forged,
 * stale, replayed or oversized, and signed requests from people who may not decide. Each refusal
 * changes nothing: the request, its approvals and its grant are read back from the database.
 */

const signingSecret = 'slack-signing-secret-for-security-tests';
const approvalsChannel = 'C0APPROVALS';
let slack: FakeSlack;

const t = useRequestWorld(
  () => ({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_APPROVALS_CHANNEL: approvalsChannel,
    APERTURE_JOB_POLL_MS: '50',
  }),
  async () => {
    slack = await FakeSlack.start({ token: 'xoxb-test' });
  },
);
afterAll(() => slack.close());
beforeEach(() => slack.reset());

const endpoint = () => `${t.world.service.url}/slack/events`;
const now = () => Math.floor(Date.now() / 1000);

/** POSTs to the receiver: signed like Slack unless `headers` says otherwise. */
async function send(
  body: string,
  options: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {},
) {
  const signed = signSlackRequest(options.secret ?? signingSecret, body, options.timestamp);
  const response = await fetch(endpoint(), {
    method: 'POST',
    headers: { ...signed, ...options.headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

let agents = 0;
/** A request for the customers mart, routed to the `approvers` group (Approver 0..19). */
async function routedRequest(): Promise<string> {
  agents += 1;
  return fileRoutedRequest(
    t.world,
    await t.world.agentToken('ana@acme.test', { agent: `Slack attack agent ${agents}` }),
  );
}

/** Everything a decision could change about a request. */
async function stateOf(requestId: string) {
  const { prisma } = t.db;
  const request = await prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } });
  return {
    status: request.status,
    decidedAt: request.decidedAt,
    decisionReason: request.decisionReason,
    approvals: await prisma.accessApproval.count({ where: { requestId } }),
    grants: await prisma.grant.count({ where: { requestId } }),
  };
}

const untouched = { status: 'PENDING', decidedAt: null, decisionReason: null, approvals: 0, grants: 0 };

const approveClick = (userId: string, requestId: string, seconds = 3_600) =>
  blockActionBody({
    userId,
    actionId: `aperture.approve.${seconds}`,
    value: requestId,
    channelId: approvalsChannel,
  });

const denySubmission = (userId: string, requestId: string, reason = 'Forged denial') =>
  viewSubmissionBody({
    userId,
    callbackId: 'aperture.deny-reason',
    privateMetadata: JSON.stringify({ requestId, channel: approvalsChannel }),
    values: { reason: { reason: { type: 'plain_text_input', value: reason } } },
  });

describe('the receiver refuses what Slack did not send', () => {
  it('a click with a made-up signature is refused and decides nothing', async () => {
    const requestId = await routedRequest();
    const body = approveClick('U0APPR01', requestId);
    const answer = await send(body, { headers: { 'x-slack-signature': `v0=${'ab'.repeat(32)}` } });
    expect(answer.status).toBe(401);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a click without the signature or timestamp headers is refused', async () => {
    const requestId = await routedRequest();
    const body = approveClick('U0APPR01', requestId);
    const signed = signSlackRequest(signingSecret, body);
    const variants: Record<string, string>[] = [
      { 'content-type': signed['content-type'] },
      { 'content-type': signed['content-type'], 'x-slack-signature': signed['x-slack-signature'] },
      {
        'content-type': signed['content-type'],
        'x-slack-request-timestamp': signed['x-slack-request-timestamp'],
      },
    ];
    for (const headers of variants) {
      const response = await fetch(endpoint(), { method: 'POST', headers, body });
      expect(response.status, JSON.stringify(Object.keys(headers))).toBe(401);
    }
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a click signed more than five minutes ago is refused', async () => {
    const requestId = await routedRequest();
    const answer = await send(approveClick('U0APPR01', requestId), { timestamp: now() - 5 * 60 - 30 });
    expect(answer.status).toBe(401);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a click signed with a timestamp in the future (to outlive the window) is refused', async () => {
    const requestId = await routedRequest();
    const answer = await send(approveClick('U0APPR01', requestId), { timestamp: now() + 5 * 60 + 30 });
    expect(answer.status).toBe(401);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a timestamp that is not a number (or a float trick) is refused', async () => {
    const requestId = await routedRequest();
    const body = approveClick('U0APPR01', requestId);
    for (const timestamp of ['', 'now', '1e10', `${now()}.5`, `0x${now().toString(16)}`]) {
      const signed = signSlackRequest(signingSecret, body);
      const answer = await send(body, {
        headers: { ...signed, 'x-slack-request-timestamp': timestamp },
      });
      expect(answer.status, timestamp).toBe(401);
    }
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('an exact replay of an accepted click is refused, and the decision is not recorded twice', async () => {
    const requestId = await routedRequest();
    const body = approveClick('U0APPR02', requestId);
    const headers = signSlackRequest(signingSecret, body);
    const first = await fetch(endpoint(), { method: 'POST', headers: { ...headers }, body });
    expect(first.status).toBe(200);
    const decided = await stateOf(requestId);
    expect(decided).toMatchObject({ status: 'APPROVED', approvals: 1, grants: 1 });
    const replay = await fetch(endpoint(), { method: 'POST', headers: { ...headers }, body });
    expect(replay.status).toBe(401);
    expect(await stateOf(requestId)).toEqual(decided);
    expect(await t.db.prisma.auditEvent.count({ where: { type: 'slack.click', subjectId: requestId } })).toBe(
      1,
    );
  });

  it('a valid signature over another body does not carry over to a forged click', async () => {
    const requestId = await routedRequest();
    const harmless = slashCommandBody({ userId: 'U0APPR03', text: 'pending' });
    const signed = signSlackRequest(signingSecret, harmless);
    const response = await fetch(endpoint(), {
      method: 'POST',
      headers: { ...signed },
      body: approveClick('U0APPR03', requestId),
    });
    expect(response.status).toBe(401);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a click signed with another app’s signing secret is refused', async () => {
    const requestId = await routedRequest();
    const answer = await send(approveClick('U0APPR04', requestId), { secret: 'another-apps-signing-secret' });
    expect(answer.status).toBe(401);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a signature of another scheme version or truncated is refused', async () => {
    const requestId = await routedRequest();
    const body = approveClick('U0APPR04', requestId);
    const signed = signSlackRequest(signingSecret, body);
    const hash = signed['x-slack-signature'].slice(3);
    for (const signature of [
      `v1=${hash}`,
      `v0=${hash.slice(0, 32)}`,
      hash,
      'v0=',
      `V0=${hash.toUpperCase()}`,
    ]) {
      const answer = await send(body, { headers: { ...signed, 'x-slack-signature': signature } });
      expect(answer.status, signature).toBe(401);
    }
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('an unsigned URL verification challenge is not echoed back', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'attacker-chosen' });
    const response = await fetch(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('attacker-chosen');
  });

  it('an oversized body is refused with 413 before its signature is even computed', async () => {
    const requestId = await routedRequest();
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const body = `${approveClick('U0APPR05', requestId)}&padding=${padding}`;
    const answer = await send(body);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('INVALID_INPUT');
    expect(await stateOf(requestId)).toEqual(untouched);
  });
});

describe('signed clicks from people who may not decide', () => {
  it('a Slack user aperture does not know cannot approve', async () => {
    const requestId = await routedRequest();
    expect((await send(approveClick('U0NOBODYKNOWS', requestId))).status).toBe(200);
    expect(await stateOf(requestId)).toEqual(untouched);
    expect(slack.ephemerals.find((message) => message.user === 'U0NOBODYKNOWS')?.text).toMatch(
      /cannot decide/,
    );
  });

  it('a known person who is not an eligible approver cannot approve', async () => {
    const requestId = await routedRequest();
    expect((await send(approveClick('U0BOB', requestId))).status).toBe(200);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('the human the request is for cannot approve it with their own Slack id', async () => {
    const requestId = await routedRequest();
    expect((await send(approveClick('U0ANA', requestId))).status).toBe(200);
    expect(await stateOf(requestId)).toEqual(untouched);
    expect(slack.ephemerals.find((message) => message.user === 'U0ANA')?.text).toMatch(/your own behalf/);
  });

  it('a governance lead outside the route cannot approve from Slack either', async () => {
    const requestId = await routedRequest();
    expect((await send(approveClick('U0GINA', requestId))).status).toBe(200);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a click naming a request that does not exist, or a hostile id, changes nothing and files nothing', async () => {
    const before = await t.db.prisma.accessRequest.count();
    for (const id of [randomUUID(), "' OR 1=1 --", '', 'x'.repeat(5_000), '{"$ne":null}']) {
      const answer = await send(approveClick('U0APPR06', id));
      expect(answer.status, id.slice(0, 20)).toBe(200);
    }
    expect(await t.db.prisma.accessRequest.count()).toBe(before);
    const approver = await t.db.prisma.person.findUniqueOrThrow({ where: { slackUserId: 'U0APPR06' } });
    expect(await t.db.prisma.accessApproval.count({ where: { approverId: approver.id } })).toBe(0);
  });

  it('a forged approve button asking for a year grants no longer than the rule allows', async () => {
    const requestId = await routedRequest();
    const year = 365 * 86_400;
    expect((await send(approveClick('U0APPR07', requestId, year))).status).toBe(200);
    const grant = await t.db.prisma.grant.findUnique({ where: { requestId } });
    // The rule routes the customers mart with a maximum of one day.
    if (grant) expect(grant.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    else expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a forged deny modal from someone who cannot decide the request denies nothing', async () => {
    const requestId = await routedRequest();
    for (const user of ['U0BOB', 'U0ANA', 'U0NOBODYKNOWS']) {
      expect((await send(denySubmission(user, requestId))).status, user).toBe(200);
    }
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a deny modal whose hidden metadata is swapped for another request denies nothing the user may not decide', async () => {
    const requestId = await routedRequest();
    // Bob opened no modal for this request; he edits the metadata of one he opened elsewhere.
    const forged = viewSubmissionBody({
      userId: 'U0BOB',
      callbackId: 'aperture.deny-reason',
      privateMetadata: JSON.stringify({ requestId, channel: approvalsChannel }),
      values: { reason: { reason: { type: 'plain_text_input', value: 'Swapped metadata' } } },
    });
    expect((await send(forged)).status).toBe(200);
    expect(await stateOf(requestId)).toEqual(untouched);
  });

  it('a deny modal with garbage metadata is answered and changes nothing', async () => {
    const requestId = await routedRequest();
    for (const privateMetadata of ['not json', '{"requestId": {"id": 1}}', 'null', '[]']) {
      const body = viewSubmissionBody({
        userId: 'U0APPR08',
        callbackId: 'aperture.deny-reason',
        privateMetadata,
        values: { reason: { reason: { type: 'plain_text_input', value: 'Garbage metadata' } } },
      });
      const answer = await send(body);
      expect(answer.status, privateMetadata).toBeLessThan(500);
    }
    expect(await stateOf(requestId)).toEqual(untouched);
  });
});

describe('the /aperture command', () => {
  async function grantApprovedBy(userId: string): Promise<string> {
    const requestId = await routedRequest();
    expect((await send(approveClick(userId, requestId))).status).toBe(200);
    return (await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId } })).id;
  }

  const command = async (userId: string, text: string) =>
    (await send(slashCommandBody({ userId, text }))).text;

  it('cannot revoke a grant it may not see, and learns nothing: answered as for a grant that does not exist', async () => {
    const grantId = await grantApprovedBy('U0APPR10');
    const real = await command('U0BOB', `revoke ${grantId} mine now`);
    const invented = randomUUID();
    const fake = await command('U0BOB', `revoke ${invented} mine now`);
    expect(real.replaceAll(grantId, '<id>')).toBe(fake.replaceAll(invented, '<id>'));
    expect(await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } })).toMatchObject({
      status: 'ACTIVE',
      endReason: null,
    });
  });

  it('cannot revoke, as another eligible approver, a grant someone else approved', async () => {
    const grantId = await grantApprovedBy('U0APPR11');
    expect(await command('U0APPR12', `revoke ${grantId} not yours`)).toMatch(/Cannot revoke/);
    expect(await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } })).toMatchObject({
      status: 'ACTIVE',
      endReason: null,
    });
  });

  it('cannot revoke anything for a Slack user aperture does not know', async () => {
    const grantId = await grantApprovedBy('U0APPR13');
    expect(await command('U0NOBODYKNOWS', `revoke ${grantId}`)).toMatch(/does not know you/);
    expect(await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } })).toMatchObject({
      status: 'ACTIVE',
    });
  });

  it('does not list requests or grants of other approvers', async () => {
    const grantId = await grantApprovedBy('U0APPR14');
    expect(await command('U0APPR15', 'grants')).not.toContain(grantId);
    expect(await command('U0BOB', 'pending')).not.toMatch(/analytics\.marts\.customers/);
  });
});
