import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { recordAuditEvent } from '../../src/audit/index.ts';
import { parseCheckpointText } from '../../src/audit/log/checkpoint.ts';
import { openNote, parseVerifierKey } from '../../src/audit/log/signed-note.ts';
import { FakeSlack } from '../support/fake-slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestService } from '../support/test-service.ts';
import { witnessedAuditLog } from '../support/witnessed-audit-log.ts';

/** A Slack channel as a witness: the service posts its newest signed checkpoint there. */
let slack: FakeSlack;
let db: TestDatabase;
let service: RunningService;
beforeAll(async () => {
  slack = await FakeSlack.start({ token: 'xoxb-test' });
  db = await createTestDatabase();
  const { env } = await witnessedAuditLog(db.prisma);
  service = await startTestService(db, {
    env: {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'slack-signing-secret-for-tests',
      SLACK_API_URL: slack.apiUrl,
      APERTURE_AUDIT_KEY_FILE: env.APERTURE_AUDIT_KEY_FILE,
      APERTURE_AUDIT_ORIGIN: env.APERTURE_AUDIT_ORIGIN,
      APERTURE_AUDIT_WITNESSES: 'slack:C0AUDIT',
      APERTURE_AUDIT_CHECKPOINT_MS: '100',
    },
  });
});
afterAll(async () => {
  await service?.stop();
  await db?.dispose();
  await slack?.close();
});

describe('a Slack audit witness', () => {
  it('gets the signed checkpoint, which opens with the key the service publishes', async () => {
    await recordAuditEvent(db.prisma, { type: 'test.witnessed' });
    await slack.waitFor((call) => call.method === 'chat.postMessage' && call.status === 200, 10_000);
    const [message] = slack.messages('C0AUDIT');
    const note = /```\n([\s\S]+)```/.exec(message?.text ?? '')?.[1];
    const published = (await (
      await fetch(`${service.url}/.well-known/aperture-audit-checkpoint`)
    ).json()) as {
      publicKey: string;
    };
    const opened = openNote(note ?? '', parseVerifierKey(published.publicKey)!);
    expect(opened.verified).toBe(true);
    const checkpoint = parseCheckpointText(opened.text);
    expect(checkpoint?.origin).toBe('aperture.test/audit');
    expect(checkpoint?.size).toBeGreaterThanOrEqual(1);
  });
});
