import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeFeed } from '../../src/db/change-feed.ts';
import { JobWorker } from '../../src/jobs/job-worker.ts';
import { MiningModule } from '../../src/mining/workflow/mining-service.ts';
import { type StoredSuggestion, toStoredSuggestion } from '../../src/mining/workflow/stored-suggestion.ts';
import type { SuggestionDigest } from '../../src/mining/workflow/suggestion-digest.ts';
import { SlackDigest } from '../../src/slack/slack-digest.ts';
import { FakeSlack } from '../support/fake-slack.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, silentLogger, type TestDatabase } from '../support/test-database.ts';
import {
  approverEmails,
  createAgent,
  customersSnapshot,
  financeEmails,
  insertDecidedRequests,
  loadMiningCompany,
  marketingEmails,
} from './workflow-fixture.ts';

/**
 * Mining as a durable job and from the CLI, over a database of decided requests (written directly:
 * 80 finance approvals and 60 marketing denials of the customers mart by 20 approvers).
 */

let db: TestDatabase;
const hour = 3_600_000;
/** The worker is driven with runDue(); no notifications needed. */
const quietFeed: ChangeFeed = { reliable: true, subscribe: () => () => {}, close: async () => {} };

class RecordingDigest implements SuggestionDigest {
  readonly configured = true;
  readonly posts: { runId: string; suggestions: StoredSuggestion[] }[] = [];
  async post(suggestions: readonly StoredSuggestion[], run: { runId: string }): Promise<void> {
    this.posts.push({ runId: run.runId, suggestions: [...suggestions] });
  }
}

const miningModule = (digest?: SuggestionDigest) =>
  new MiningModule({
    prisma: db.prisma,
    governanceGroup: 'governance',
    logger: silentLogger,
    digest,
    intervalMs: hour,
  });

beforeAll(async () => {
  db = await createTestDatabase();
  await loadMiningCompany(db.prisma, { catalog: false });
  const agentId = await createAgent(db.prisma, 'sql-agent');
  const batch = { agentId, approvers: approverEmails, resource: customersSnapshot };
  const start = new Date(Date.now() - 10 * 86_400_000);
  await insertDecidedRequests(db.prisma, {
    ...batch,
    humans: financeEmails,
    outcome: 'APPROVED',
    count: 80,
    start,
  });
  await insertDecidedRequests(db.prisma, {
    ...batch,
    humans: marketingEmails,
    outcome: 'DENIED',
    count: 60,
    start,
  });
});

afterAll(async () => {
  await db.dispose();
});

describe('mining on a schedule', () => {
  it('schedules one run at the start of the next interval, however many replicas start at once', async () => {
    await Promise.all([miningModule().scheduleFirstRun(), miningModule().scheduleFirstRun()]);
    await miningModule().scheduleFirstRun();
    const jobs = await db.prisma.job.findMany({ where: { kind: 'mining.run' } });
    const nextHour = new Date(Math.floor(Date.now() / hour) * hour + hour);
    expect(jobs.map((job) => ({ key: job.key, runAt: job.runAt }))).toEqual([
      { key: `mining.run:${nextHour.toISOString()}`, runAt: nextHour },
    ]);
  });

  it('runs when due: schedules the next run, stores the suggestions and posts them as a digest', async () => {
    const digest = new RecordingDigest();
    const mining = miningModule(digest);
    const due = await db.prisma.job.findFirstOrThrow({ where: { kind: 'mining.run' } });
    await db.prisma.job.update({ where: { id: due.id }, data: { runAt: new Date() } });
    const worker = new JobWorker(db.prisma, mining.jobHandlers(), silentLogger, quietFeed, {
      pollMs: 60_000,
      leaseMs: 60_000,
      batchSize: 10,
    });
    // The run, then the digest it scheduled.
    expect(await worker.runDue()).toBe(2);
    await worker.stop();

    const run = await db.prisma.miningRun.findFirstOrThrow({ where: { trigger: 'schedule' } });
    expect(run).toMatchObject({ decisions: 140, summary: { suggestions: { mined: 2, new: 2 } } });
    expect(run.finishedAt).not.toBeNull();
    expect(digest.posts).toHaveLength(1);
    expect(digest.posts[0]!.runId).toBe(run.id);
    expect(
      digest.posts[0]!.suggestions.map((suggestion) => [suggestion.action, suggestion.evidence.support]),
    ).toEqual([
      ['approve', 80],
      ['deny', 60],
    ]);
    const left = await db.prisma.job.findMany({ where: { kind: { startsWith: 'mining.' } } });
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ kind: 'mining.run' });
    expect(left[0]!.key).not.toBe(due.key);
    expect(left[0]!.runAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('posts the digest to the Slack governance channel once per run, also when retried', async () => {
    const slack = await FakeSlack.start({ token: 'xoxb-test' });
    try {
      const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
      const digest = new SlackDigest(db.prisma, client, 'C0GOVERNANCE');
      const rows = await db.prisma.ruleSuggestion.findMany({
        where: { status: 'NEW' },
        orderBy: { createdAt: 'asc' },
      });
      const suggestions = rows.map(toStoredSuggestion);
      await digest.post(suggestions, { runId: rows[0]!.miningRunId });
      await digest.post(suggestions, { runId: rows[0]!.miningRunId });
      const posts = slack.messages('C0GOVERNANCE');
      expect(posts).toHaveLength(1);
      expect(posts[0]!.text).toMatch(/2 new rule suggestions to review/);
      expect(posts[0]!.text).toMatch(/\*approve\* when .*: 80 decisions/);
      expect(posts[0]!.text).toMatch(/\*deny\* when .*: 60 decisions/);
      // 60 denials cannot show false approvals within 1%: each line says there is no promise, and why.
      expect(posts[0]!.text).toMatch(
        /80 decisions, .* approvers; no promise \(too few denials to calibrate\) \(suggestion /,
      );
    } finally {
      await slack.close();
    }
  });

  it('a run that finds nothing new posts no digest', async () => {
    await miningModule().run('cli');
    expect(await db.prisma.job.count({ where: { kind: 'mining.digest' } })).toBe(0);
  });
});

describe('aperture mine', () => {
  it('runs now and prints what changed', async () => {
    const result = await runCli(['mine'], { DATABASE_URL: db.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^Mined 140 decisions from 140 requests people decided; run [0-9a-f-]{36}\./,
    );
    expect(result.stdout).toMatch(/new\s+0\n/);
    expect(result.stdout).toMatch(/still NEW, refreshed\s+2\n/);
    expect(result.stdout).toContain('Together they would decide 100.0% of the history');
    const json = await runCli(['mine', '--min-support', '70', '--json'], {
      DATABASE_URL: db.url,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    });
    expect(json.exitCode).toBe(0);
    // With 70 decisions at least, only the finance one is left: the marketing one is superseded.
    expect(JSON.parse(json.stdout)).toMatchObject({
      trigger: 'cli',
      decisions: 140,
      suggestions: { mined: 1, new: 0, refreshed: 1, superseded: 1 },
    });
    const bad = await runCli(['mine', '--threshold', '2'], {
      DATABASE_URL: db.url,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/threshold/);
  });
});
