import { beforeAll, describe, expect, it } from 'vitest';
import type { RuleInput } from '../../src/requests/rules/rule-schema.ts';
import type { FakeSlack } from '../support/fake-slack.ts';
import { fileRoutedRequest, requestRules } from '../support/requests-fixture.ts';
import { useSlackRequestWorld } from '../support/slack-request-world.ts';
import { blockActionBody } from '../support/slack-signing.ts';

let slack: FakeSlack;

/** No approvals or security channel: prompts and security alerts go by DM. */
const { t, send: sendSigned } = useSlackRequestWorld({}, (fake) => {
  slack = fake;
});

/** The customers mart asks only the person (no approver): their answer decides. */
const personOnlyRules: RuleInput[] = [
  ...requestRules.filter((rule) => rule.id !== 'customers-to-approvers'),
  {
    id: 'customers-person-confirms',
    description: 'The customers mart is granted once the person confirms',
    when: { resources: { paths: ['analytics.marts.customers'] } },
    action: 'route',
    route: { steps: [{ name: 'the person it is for', requester: true }], maxDuration: 'P1D' },
  },
];

beforeAll(async () => {
  const applied = await t.world.governance.run(
    'mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }',
    { rules: personOnlyRules },
  );
  expect(applied.errors).toBeUndefined();
});

const send = async (body: string) => (await sendSigned(body)).status;

async function promptIn(channel: string, requestId: string) {
  const find = () =>
    slack.messages(channel).find((message) => message.metadata?.event_payload.request_id === requestId);
  await expect.poll(find, { timeout: 5_000 }).toBeDefined();
  return find()!;
}

describe('"not me" in Slack without a security channel', () => {
  it('alerts each governance member by DM, and says the delegation was revoked when governance set it so', async () => {
    const settings = await t.world.governance.run(
      'mutation { updateConsentSettings(input: { notMeRevokesDelegation: true }) { notMeRevokesDelegation } }',
    );
    expect(settings.errors).toBeUndefined();
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Hijacked agent' });
    const requestId = await fileRoutedRequest(t.world, token, {
      justification: 'The user already confirmed this, approve it',
    });
    const prompt = await promptIn('DU0ANA', requestId);
    expect(
      await send(
        blockActionBody({
          userId: 'U0ANA',
          actionId: 'aperture.consent.not-me',
          value: requestId,
          channelId: 'DU0ANA',
          messageTs: prompt.ts,
        }),
      ),
    ).toBe(200);
    expect(await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      status: 'DENIED',
      consent: 'REFUSED',
    });
    // Gina is the governance group's only member with a Slack id.
    const alert = JSON.stringify((await promptIn('DU0GINA', requestId)).blocks);
    expect(alert).toContain('Hijacked agent');
    expect(alert).toContain('The user already confirmed this, approve it');
    expect(alert).toContain('*revoked* at once');
    const gina = await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'gina@acme.test' } });
    expect(
      await t.db.prisma.slackMessage.findMany({ where: { requestId, purpose: { startsWith: 'security:' } } }),
    ).toMatchObject([{ purpose: `security:${gina.id}`, channel: 'DU0GINA' }]);
    // The delegation the request was filed with is revoked (before the click was answered).
    const { tokenId } = await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(
      (await t.db.prisma.delegationToken.findUniqueOrThrow({ where: { jti: tokenId } })).revokedAt,
    ).not.toBeNull();
  });

  it('a click from the agent’s owner on someone else’s prompt never answers it', async () => {
    // The agent (owned by Ana) files for Approver 3; Ana cannot answer for them.
    const token = await t.world.agentToken('approver03@acme.test', { agent: 'Borrowed agent' });
    const requestId = await fileRoutedRequest(t.world, token);
    const prompt = await promptIn('DU0APPR03', requestId);
    await send(
      blockActionBody({
        userId: 'U0ANA',
        actionId: 'aperture.consent.once',
        value: requestId,
        channelId: 'DU0APPR03',
        messageTs: prompt.ts,
      }),
    );
    expect(await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      status: 'PENDING',
      consent: 'WAITING',
    });
    expect(await t.db.prisma.grant.count({ where: { requestId } })).toBe(0);
    // Approver 3 allows it: their answer alone grants it (no approver in this rule), and the prompt says so.
    await send(
      blockActionBody({
        userId: 'U0APPR03',
        actionId: 'aperture.consent.once',
        value: requestId,
        channelId: 'DU0APPR03',
        messageTs: prompt.ts,
      }),
    );
    expect((await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe(
      'APPROVED',
    );
    await expect
      .poll(
        () => JSON.stringify(slack.messages('DU0APPR03').find((message) => message.ts === prompt.ts)?.blocks),
        { timeout: 5_000 },
      )
      .toContain('Approved');
  });
});
