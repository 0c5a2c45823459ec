import { afterAll, beforeAll, expect, it } from 'vitest';
import { useSurfaceWorld } from '../security/support/surface-world.ts';
import { FakeSlack } from '../support/fake-slack.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { requestAccessMutation } from '../support/requests-fixture.ts';

/**
 * An approvals channel given by name, which Slack's history cannot be read by until its id is
 * known: a first post that failed is posted again (never lost), and once Slack named the id,
 * a post whose answer was lost is found by id (never posted twice).
 */
const botToken = 'xoxb-channel-by-name';
let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start({ token: botToken });
});
const t = useSurfaceWorld(() => ({
  SLACK_BOT_TOKEN: botToken,
  SLACK_SIGNING_SECRET: 'channel-by-name-signing-secret',
  SLACK_API_URL: slack.apiUrl,
  SLACK_APPROVALS_CHANNEL: '#access-approvals',
  APERTURE_JOB_POLL_MS: '50',
}));
afterAll(() => slack.close());

let agents = 0;
async function fileRoutedRequest(): Promise<string> {
  agents += 1;
  const agent = await t.world.governance.registerAgent({
    name: `Named-channel agent ${agents}`,
    ownerEmail: 'ana@acme.test',
    allowedIntents: ['analytics'],
    ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
  });
  const exchanged = await exchangeToken(t.world.service.url, agent, {
    subject_token: await t.idp.subjectToken('ana@acme.test'),
    intent: 'analytics',
  });
  const filed = await t.world.gql<{ requestAccess: { request: { id: string; status: string } } }>(
    exchanged.body.access_token!,
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
  return filed.data!.requestAccess.request.id;
}

const postsOf = (requestId: string) =>
  slack.messages().filter((message) => message.metadata?.event_payload.request_id === requestId);

it('a first post that failed before the channel id was known is posted again, not lost', async () => {
  slack.failNext(1, { status: 500 }, { method: 'chat.postMessage' });
  const requestId = await fileRoutedRequest();
  await expect.poll(() => postsOf(requestId).length, { timeout: 10_000 }).toBe(1);
});

it('once the id is known, a post whose answer was lost is found again instead of posted twice', async () => {
  slack.failNext(1, { status: 500, afterEffect: true }, { method: 'chat.postMessage' });
  const requestId = await fileRoutedRequest();
  await expect
    .poll(async () => (await t.db.prisma.slackMessage.findFirst({ where: { requestId } }))?.ts, {
      timeout: 10_000,
    })
    .toBeTruthy();
  expect(postsOf(requestId)).toHaveLength(1);
  const row = await t.db.prisma.slackMessage.findFirstOrThrow({ where: { requestId } });
  expect(row.channel).toBe(slack.channelId('access-approvals'));
});
