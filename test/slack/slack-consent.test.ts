import { beforeAll, describe, expect, it } from 'vitest';
import type { RuleInput } from '../../src/requests/rules/rule-schema.ts';
import type { FakeSlack, SlackMessage } from '../support/fake-slack.ts';
import { fileRoutedRequest, requestRules } from '../support/requests-fixture.ts';
import { slackSigningSecret as signingSecret, useSlackRequestWorld } from '../support/slack-request-world.ts';
import { blockActionBody, signSlackRequest, slashCommandBody } from '../support/slack-signing.ts';

const approvalsChannel = 'C0APPROVALS';
const securityChannel = 'C0SECURITY';
/** Ana's DM with the bot, as the fake opens it. */
const anaDm = 'DU0ANA';

let slack: FakeSlack;

const { t, send: sendToSlackEndpoint } = useSlackRequestWorld(
  { SLACK_APPROVALS_CHANNEL: approvalsChannel, SLACK_SECURITY_CHANNEL: securityChannel },
  (fake) => {
    slack = fake;
  },
);

/** The customers mart: Ana confirms first, then one of the approvers group approves. */
const confirmFirstRules: RuleInput[] = [
  ...requestRules.filter((rule) => rule.id !== 'customers-to-approvers'),
  {
    id: 'customers-confirmed-then-approvers',
    description: 'The customers mart: the person confirms, then the approvers group approves',
    when: { resources: { paths: ['analytics.marts.customers'] } },
    action: 'route',
    route: {
      ordered: true,
      steps: [
        { name: 'the person it is for', requester: true },
        { name: 'approvers', approvers: [{ kind: 'group', group: 'approvers' }] },
      ],
      maxDuration: 'P1D',
    },
  },
];

let anaId = '';

beforeAll(async () => {
  const applied = await t.world.governance.run(
    'mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }',
    { rules: confirmFirstRules },
  );
  expect(applied.errors).toBeUndefined();
  anaId = (await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } })).id;
});

/** Files Ana's request for the customers mart through `agent` (under `taskId` when given). */
async function askedOfAna(agent: string, taskId?: string, justification?: string): Promise<string> {
  const token = await t.world.agentToken('ana@acme.test', { agent, ...(taskId ? { taskId } : {}) });
  return fileRoutedRequest(t.world, token, justification ? { justification } : {});
}

const postedFor = (channel: string, requestId: string) =>
  slack.messages(channel).find((message) => message.metadata?.event_payload.request_id === requestId);

/** The message the durable job posted for this request in `channel`. */
async function posted(channel: string, requestId: string): Promise<SlackMessage> {
  await expect.poll(() => postedFor(channel, requestId), { timeout: 5_000 }).toBeDefined();
  return postedFor(channel, requestId)!;
}

/** The message as it is now (after updates), as one string. */
const shown = (channel: string, ts: string) =>
  JSON.stringify(slack.messages(channel).find((message) => message.ts === ts)?.blocks);

const click = (userId: string, actionId: string, requestId: string, ts: string, channelId = anaDm) =>
  blockActionBody({ userId, actionId, value: requestId, channelId, messageTs: ts });

const requestRow = (requestId: string) =>
  t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } });

describe('the person confirms their agent’s request in Slack', () => {
  it('asks Ana by DM with what her agent asked, and asks the approvers only once she allowed it once', async () => {
    const requestId = await askedOfAna('Consent agent', 'task-42');
    const prompt = await posted(anaDm, requestId);
    expect(prompt.metadata?.event_payload.purpose).toBe(`requester:${anaId}`);
    const dm = JSON.stringify(prompt.blocks);
    for (const part of [
      'Consent agent',
      'analytics',
      'task-42',
      'analytics.marts.customers',
      'confidential',
      '*READ* for 8 hours',
      'Churn analysis for the board',
      'aperture.consent.once',
      'aperture.consent.task',
      'aperture.consent.always',
      'aperture.consent.always-days',
      'aperture.consent.not-me',
    ]) {
      expect(dm).toContain(part);
    }
    const notMe = (prompt.blocks!.at(-1)!.elements as Record<string, unknown>[]).find(
      (element) => element.action_id === 'aperture.consent.not-me',
    );
    expect(notMe).toMatchObject({ style: 'danger', confirm: { title: { text: 'Not you?' } } });
    // Nobody approves before Ana confirmed: no prompt was posted to the approvers.
    expect(
      await t.db.prisma.slackMessage.count({ where: { requestId, purpose: { startsWith: 'approver' } } }),
    ).toBe(0);

    expect(
      (await sendToSlackEndpoint(click('U0ANA', 'aperture.consent.once', requestId, prompt.ts))).status,
    ).toBe(200);
    expect(await requestRow(requestId)).toMatchObject({
      status: 'PENDING',
      consent: 'GIVEN',
      consentAnswer: 'ONCE',
    });
    await expect
      .poll(() => shown(anaDm, prompt.ts), { timeout: 5_000 })
      .toContain('You answered *Allow once*');
    expect(shown(anaDm, prompt.ts)).not.toContain('aperture.consent.once');

    const approval = await posted(approvalsChannel, requestId);
    expect(JSON.stringify(approval.blocks)).toContain('Ana confirmed that they asked for it (Allow once)');
    await sendToSlackEndpoint(
      blockActionBody({
        userId: 'U0APPR01',
        actionId: 'aperture.approve.3600',
        value: requestId,
        channelId: approvalsChannel,
        messageTs: approval.ts,
      }),
    );
    expect((await requestRow(requestId)).status).toBe('APPROVED');
    // Ana's prompt stays true once the approvers decided.
    await expect.poll(() => shown(anaDm, prompt.ts), { timeout: 5_000 }).toContain('Approved');
    expect(await t.db.prisma.auditEvent.count({ where: { type: 'slack.click', subjectId: requestId } })).toBe(
      2,
    );
  });

  it('Allow for this task: the next identical request under the same task does not ask Ana again', async () => {
    const requestId = await askedOfAna('Task agent', 'task-7');
    const prompt = await posted(anaDm, requestId);
    await sendToSlackEndpoint(click('U0ANA', 'aperture.consent.task', requestId, prompt.ts));
    const first = await requestRow(requestId);
    expect(first).toMatchObject({ consent: 'GIVEN', consentAnswer: 'TASK' });
    expect(
      await t.db.prisma.standingConsent.findUniqueOrThrow({ where: { id: first.standingConsentId! } }),
    ).toMatchObject({ scope: 'TASK', taskId: 'task-7', humanId: anaId });
    await expect.poll(() => shown(anaDm, prompt.ts), { timeout: 5_000 }).toContain('Allow for this task');

    // The first one is out of the way (its agent cancels it), then the same again under task-7.
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Task agent', taskId: 'task-7' });
    const cancelled = await t.world.gql(
      token,
      'mutation ($id: ID!) { cancelAccessRequest(id: $id) { status } }',
      {
        id: requestId,
      },
    );
    expect(cancelled.errors).toBeUndefined();
    const again = await fileRoutedRequest(t.world, token);
    expect(await requestRow(again)).toMatchObject({ consent: 'GIVEN', consentAnswer: 'TASK' });
    await posted(approvalsChannel, again);
    expect(postedFor(anaDm, again)).toBeUndefined();
    // The cancelled request's prompt says so.
    await expect.poll(() => shown(anaDm, prompt.ts), { timeout: 5_000 }).toContain('Cancelled');
  });

  it('Always for this agent (7 days from the select), listed and revoked with /aperture consents', async () => {
    const requestId = await askedOfAna('Always agent');
    const prompt = await posted(anaDm, requestId);
    expect(JSON.stringify(prompt.blocks)).not.toContain('aperture.consent.task');
    await sendToSlackEndpoint(
      blockActionBody({
        userId: 'U0ANA',
        actionId: 'aperture.consent.always-days',
        selectedOption: `7:${requestId}`,
        channelId: anaDm,
        messageTs: prompt.ts,
      }),
    );
    const row = await requestRow(requestId);
    expect(row).toMatchObject({ consent: 'GIVEN', consentAnswer: 'ALWAYS' });
    const consent = await t.db.prisma.standingConsent.findUniqueOrThrow({
      where: { id: row.standingConsentId! },
    });
    expect(consent.scope).toBe('AGENT');
    expect(Math.round((consent.expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(7);

    const listed = JSON.parse(
      (await sendToSlackEndpoint(slashCommandBody({ userId: 'U0ANA', text: 'consents' }))).text,
    );
    const listing = JSON.stringify(listed.blocks);
    expect(listing).toContain('Always agent');
    expect(listing).toContain('analytics.marts.customers');
    expect(listing).toContain('*READ*');
    expect(listing).toContain('not used yet');
    expect(listing).toContain(consent.id);

    // Bob revoking Ana's consent is told it does not exist; it stays in force.
    const revoke = (userId: string, key: string) =>
      sendToSlackEndpoint(
        blockActionBody({
          userId,
          actionId: 'aperture.consent.revoke',
          value: consent.id,
          channelId: 'C0GENERAL',
          responseUrl: slack.responseUrl(key),
        }),
      );
    await revoke('U0BOB', 'bob');
    const answerTo = (key: string) =>
      JSON.stringify(slack.calls.find((call) => call.path === `/respond/${key}`)?.body);
    expect(answerTo('bob')).toContain(`no standing consent has the id ${consent.id}`);
    expect(
      (await t.db.prisma.standingConsent.findUniqueOrThrow({ where: { id: consent.id } })).endedAt,
    ).toBeNull();

    await revoke('U0ANA', 'ana');
    expect(answerTo('ana')).toContain('Revoked');
    // The list is shown again without it (the task consent of the test before stays).
    expect(answerTo('ana')).not.toContain(consent.id);
    expect(answerTo('ana')).toContain('Task agent');
    expect(await t.db.prisma.standingConsent.findUniqueOrThrow({ where: { id: consent.id } })).toMatchObject({
      endReason: 'revoked',
    });
  });
});

describe('nobody else answers for the person', () => {
  it('refuses another person, an approver and a stranger clicking the DM’s button; the request is unchanged', async () => {
    const requestId = await askedOfAna('Clicked agent');
    const prompt = await posted(anaDm, requestId);
    for (const user of ['U0BOB', 'U0APPR02', 'U0GINA', 'U0STRANGER']) {
      expect(
        (await sendToSlackEndpoint(click(user, 'aperture.consent.once', requestId, prompt.ts))).status,
      ).toBe(200);
    }
    expect(await requestRow(requestId)).toMatchObject({
      status: 'PENDING',
      consent: 'WAITING',
      consentAnswer: null,
    });
    const refusals = slack.ephemerals.filter((message) =>
      message.text?.startsWith('You cannot answer this request'),
    );
    expect(refusals.map((message) => message.user)).toEqual(
      expect.arrayContaining(['U0BOB', 'U0APPR02', 'U0GINA', 'U0STRANGER']),
    );
    expect(refusals.find((message) => message.user === 'U0BOB')?.text).toMatch(
      /only the person it is made for/,
    );
    expect(
      await t.db.prisma.auditEvent.count({ where: { type: 'slack.click-refused', subjectId: requestId } }),
    ).toBe(4);
    expect(
      await t.db.prisma.slackMessage.count({ where: { requestId, purpose: { startsWith: 'approver' } } }),
    ).toBe(0);
  });

  it('refuses a replayed click, and tells Ana she already answered when she clicks again', async () => {
    const requestId = await askedOfAna('Replayed agent');
    const prompt = await posted(anaDm, requestId);
    const body = click('U0ANA', 'aperture.consent.once', requestId, prompt.ts);
    const headers = signSlackRequest(signingSecret, body);
    const send = () =>
      fetch(`${t.world.service.url}/slack/events`, { method: 'POST', headers: { ...headers }, body });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(401);
    expect(
      await t.db.prisma.auditEvent.count({ where: { type: 'consent.given', subjectId: requestId } }),
    ).toBe(1);

    await sendToSlackEndpoint(click('U0ANA', 'aperture.consent.not-me', requestId, prompt.ts));
    expect(await requestRow(requestId)).toMatchObject({ status: 'PENDING', consentAnswer: 'ONCE' });
    expect(
      slack.ephemerals.find(
        (message) => message.user === 'U0ANA' && message.text?.includes('already answered'),
      ),
    ).toBeDefined();
  });
});

describe('not me', () => {
  it('denies the request, tells governance with the chain, and keeps Ana’s prompt true', async () => {
    const requestId = await askedOfAna('Rogue agent', 'task-x', 'Ana asked me to pull every customer');
    const prompt = await posted(anaDm, requestId);
    await sendToSlackEndpoint(click('U0ANA', 'aperture.consent.not-me', requestId, prompt.ts));
    expect(await requestRow(requestId)).toMatchObject({
      status: 'DENIED',
      consent: 'REFUSED',
      consentAnswer: 'NOT_ME',
    });

    const alert = await posted(securityChannel, requestId);
    const said = JSON.stringify(alert.blocks);
    for (const part of [
      'Ana',
      'ana@acme.test',
      'Rogue agent',
      'task-x',
      'analytics.marts.customers',
      'Ana asked me to pull every customer',
      '*not revoked*',
    ]) {
      expect(said).toContain(part);
    }
    await expect.poll(() => shown(anaDm, prompt.ts), { timeout: 5_000 }).toContain('You answered *Not me*');
    expect(shown(anaDm, prompt.ts)).not.toContain('aperture.consent.');

    // The job runs again (a retry): nothing is posted twice; Ana is not sent an outcome DM for her own answer.
    await t.db.prisma.job.create({
      data: {
        id: crypto.randomUUID(),
        kind: 'approvals.notify',
        payload: { kind: 'not-me', requestId },
        runAt: new Date(),
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      slack
        .messages(securityChannel)
        .filter((message) => message.metadata?.event_payload.request_id === requestId),
    ).toHaveLength(1);
    expect(
      slack.messages(anaDm).filter((message) => message.metadata?.event_payload.request_id === requestId),
    ).toHaveLength(1);
  });
});
