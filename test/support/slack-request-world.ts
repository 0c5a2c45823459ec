import { afterAll, beforeEach } from 'vitest';
import { FakeSlack } from './fake-slack.ts';
import { type RequestTestWorld, useRequestWorld } from './requests-fixture.ts';
import { signSlackRequest } from './slack-signing.ts';

export const slackSigningSecret = 'slack-signing-secret-for-tests';

/**
 * The request company with Slack configured against a fake Web API (started first, up before each
 * test, closed after the file): `onSlack` receives the fake, `send` POSTs a body signed as Slack
 * signs it to the real receiver.
 */
export function useSlackRequestWorld(
  env: Record<string, string>,
  onSlack: (slack: FakeSlack) => void,
): { t: RequestTestWorld; send: (body: string) => Promise<{ status: number; text: string }> } {
  let slack: FakeSlack | undefined;
  const t = useRequestWorld(
    () => ({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: slackSigningSecret,
      SLACK_API_URL: slack!.apiUrl,
      APERTURE_JOB_POLL_MS: '50',
      ...env,
    }),
    async () => {
      slack = await FakeSlack.start({ token: 'xoxb-test' });
      onSlack(slack);
    },
  );
  afterAll(() => slack?.close());
  beforeEach(() => slack?.up());
  const send = async (body: string) => {
    const response = await fetch(`${t.world.service.url}/slack/events`, {
      method: 'POST',
      headers: { ...signSlackRequest(slackSigningSecret, body) },
      body,
    });
    return { status: response.status, text: await response.text() };
  };
  return { t, send };
}
