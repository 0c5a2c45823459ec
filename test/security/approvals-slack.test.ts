import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import {
  blockActionBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-signing.ts';
import { decideAs, fileRequest, statusOf, useApprovalRules } from './support/approvals-world.ts';

/**
 * Approvals through Slack, from the attacker's side: clicks and commands by people who may not see
 * a request or grant learn nothing a made-up id would not tell them; prompts show the steps and
 * what each object waits for, and nothing beyond the request's own objects.
 */
const signingSecret = 'approvals-slack-secret';
const channel = 'C0APPROVALS';
let slack: FakeSlack;

const t = useRequestWorld(
  () => ({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_APPROVALS_CHANNEL: channel,
    SLACK_LOOKUP_BY_EMAIL: 'true',
    APERTURE_JOB_POLL_MS: '50',
  }),
  async () => {
    slack = await FakeSlack.start({ token: 'xoxb-test' });
  },
);
useApprovalRules(t);
afterAll(() => slack.close());
beforeEach(() => slack.up());
beforeAll(() => {
  slack.addUser({ id: 'U0DANA', email: 'dana@shop.example', name: 'Dana' });
  slack.addUser({ id: 'U0OMAR', email: 'omar@shop.example', name: 'Omar' });
  slack.addUser({ id: 'U0LEE', email: 'lee@shop.example', name: 'Lee' });
});

const customers = 'analytics.marts.customers';
const orders = 'analytics.marts.fct_orders';

async function send(body: string) {
  const response = await fetch(`${t.world.service.url}/slack/events`, {
    method: 'POST',
    headers: { ...signSlackRequest(signingSecret, body) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const click = (userId: string, requestId: string, actionId = 'aperture.approve.3600') =>
  send(blockActionBody({ userId, actionId, value: requestId, channelId: channel, messageTs: '1.000001' }));

/** The private replies a user got after `since` (an index into the fake's ephemerals). */
const repliesTo = (user: string, since: number) =>
  slack.ephemerals
    .slice(since)
    .filter((message) => message.user === user)
    .map((message) => message.text);

async function promptText(requestId: string, contains = 'Access request'): Promise<string> {
  const find = () =>
    JSON.stringify(
      slack.messages(channel).find((message) => message.metadata?.event_payload.request_id === requestId)
        ?.blocks ?? null,
    );
  await expect.poll(find, { timeout: 5_000 }).toContain(contains);
  return find();
}

describe('Slack clicks and commands are no existence oracle', () => {
  it('an ineligible user clicking Approve on a real request is told what a made-up request id gets', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers]);
    const since = slack.ephemerals.length;
    await click('U0BOB', request.id);
    await click('U0BOB', randomUUID());
    await click('U0BOB', 'not-a-request');
    const [real, fake, malformed] = repliesTo('U0BOB', since);
    expect(real).toBeDefined();
    expect(real).toBe(fake);
    expect(real).toBe(malformed);
    expect(await statusOf(t, request.id)).toBe('PENDING');
    expect(
      await t.db.prisma.auditEvent.count({ where: { type: 'slack.click-refused', subjectId: request.id } }),
    ).toBe(1);
  });

  it('an ineligible user submitting the deny modal for a real request learns nothing either', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers]);
    const since = slack.ephemerals.length;
    for (const requestId of [request.id, randomUUID()]) {
      await send(
        viewSubmissionBody({
          userId: 'U0BOB',
          callbackId: 'aperture.deny-reason',
          privateMetadata: JSON.stringify({ requestId, channel }),
          values: { reason: { reason: { type: 'plain_text_input', value: 'I just want to see' } } },
        }),
      );
    }
    const [real, fake] = repliesTo('U0BOB', since);
    expect(real).toBeDefined();
    expect(real).toBe(fake);
    expect(await statusOf(t, request.id)).toBe('PENDING');
  });

  it('/aperture revoke of a grant the user may not see answers like a random or malformed id', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers]);
    await decideAs(t, 'dana@shop.example', 'approve', request.id);
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId: request.id } });
    const revoke = async (id: string) =>
      (await send(slashCommandBody({ userId: 'U0BOB', text: `revoke ${id} because` }))).text.replaceAll(
        id,
        '<id>',
      );
    const real = await revoke(grant.id);
    expect(real).toBe(await revoke(randomUUID()));
    expect(real).toBe(await revoke('not-a-grant'));
    expect((await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grant.id } })).status).toBe('ACTIVE');
  });

  it('the requester clicking Approve on her own request is told why (she may see it)', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers]);
    const since = slack.ephemerals.length;
    await click('U0ANA', request.id);
    expect(repliesTo('U0ANA', since)[0]).toMatch(/your own behalf/);
  });
});

describe('the Slack prompt of a request for objects with different approvers', () => {
  it('an owner of one object clicking Approve leaves the request pending; the prompt shows what still waits', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    const before = await promptText(request.id);
    expect(before).toContain('waits for Dana');
    expect(before).toContain('waits for Omar');
    await click('U0DANA', request.id);
    expect(await statusOf(t, request.id)).toBe('PENDING');
    const after = await promptText(request.id, 'approved by Dana');
    expect(after).toMatch(/fct_orders`: waits for Omar/);
    await click('U0OMAR', request.id);
    expect(await statusOf(t, request.id)).toBe('APPROVED');
  });

  it('names no object beyond the request’s own', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    const shown = await promptText(request.id);
    const paths = new Set(shown.match(/analytics\.[a-z_]+\.[a-z_]+(\.[a-z_]+)?/g));
    expect([...paths].sort()).toEqual([orders, customers].sort());
  });

  it('shows the steps of "the owner or a steward AND the manager" and whom each waits for', async () => {
    const request = await fileRequest(t, 'ana@acme.test', ['analytics.staging.stg_customers']);
    const shown = await promptText(request.id);
    expect(shown).toContain('owner or steward');
    expect(shown).toMatch(/manager\* \(1 per object\)/);
    expect(shown).toContain('waits for Mark');
    expect(shown).toMatch(/waits for Dana, Lee|waits for Lee, Dana/);
  });

  it('/aperture pending stops listing a request once nothing on it waits for you', async () => {
    const request = await fileRequest(t, 'ana@acme.test', ['analytics.staging.stg_customers']);
    const pending = async () => (await send(slashCommandBody({ userId: 'U0LEE', text: 'pending' }))).text;
    expect(await pending()).toContain(request.id);
    await decideAs(t, 'dana@shop.example', 'approve', request.id);
    // The owner-or-steward step is done; Lee is no manager: nothing waits for him.
    expect(await pending()).not.toContain(request.id);
  });
});
