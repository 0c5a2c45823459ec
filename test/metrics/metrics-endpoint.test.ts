import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileRoutedRequest, useRequestWorld } from '../support/requests-fixture.ts';
import { startTestService } from '../support/test-service.ts';

const metricsToken = 'scraper-token-0123456789abcdef';
const t = useRequestWorld({ APERTURE_METRICS_TOKEN: metricsToken, APERTURE_JOB_POLL_MS: '50' });

const scrape = (url: string, token: string | null = metricsToken) =>
  fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

const metricsText = async () => {
  const response = await scrape(t.world.service.url);
  expect(response.status).toBe(200);
  return response.text();
};

interface Family {
  help: string;
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Reads the Prometheus text exposition format strictly: every line is HELP, TYPE or a sample of a declared family. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (sample: string) =>
    families.get(sample) ?? families.get(sample.replace(/_(bucket|sum|count|total|created)$/, ''));
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (help) {
      families.set(help[1]!, { help: help[2]!, type: '', samples: [] });
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      const family = families.get(type[1]!);
      if (!family) throw new Error(`TYPE before HELP: ${line}`);
      family.type = type[2]!;
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|Nan|[+-]Inf)$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const family = familyOf(sample[1]!);
    if (!family?.type) throw new Error(`a sample of no declared family: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!;
    }
    family.samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return families;
}

const sampleSum = (families: Map<string, Family>, sample: string, labels: Record<string, string> = {}) =>
  families
    .get(sample.replace(/_(bucket|sum|count)$/, ''))
    ?.samples.filter(
      (candidate) =>
        candidate.name === sample &&
        Object.entries(labels).every(([key, value]) => candidate.labels[key] === value),
    )
    .reduce((sum, candidate) => sum + candidate.value, 0) ?? 0;

describe('GET /metrics', () => {
  it('refuses a scrape without the token, or with another', async () => {
    const none = await scrape(t.world.service.url, null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.text()).not.toContain('aperture_');
    expect((await scrape(t.world.service.url, 'scraper-token-wrong-0000000000')).status).toBe(401);
    expect((await scrape(t.world.service.url, `${metricsToken}x`)).status).toBe(401);
  });

  it('is not served unless configured, and open to any scraper with APERTURE_METRICS=true alone', async () => {
    const plain = await startTestService(t.db);
    try {
      expect((await scrape(plain.url)).status).toBe(404);
    } finally {
      await plain.stop();
    }
    const open = await startTestService(t.db, { env: { APERTURE_METRICS: 'true' } });
    try {
      const response = await scrape(open.url, null);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE aperture_http_requests_total counter');
      expect((await fetch(`${open.url}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await open.stop();
    }
  });

  it('answers the Prometheus text format, each family with its HELP and TYPE', async () => {
    const response = await scrape(t.world.service.url);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const families = parseExposition(text);
    const types = Object.fromEntries(
      [...families]
        .filter(([name]) => !name.startsWith('aperture_process_') && !name.startsWith('aperture_nodejs_'))
        .map(([name, family]) => [name, family.type]),
    );
    expect(types).toEqual({
      aperture_http_requests_total: 'counter',
      aperture_http_request_duration_seconds: 'histogram',
      aperture_graphql_operation_duration_seconds: 'histogram',
      aperture_access_decisions_total: 'counter',
      aperture_consent_answers_total: 'counter',
      aperture_metrics_database_up: 'gauge',
      aperture_jobs_due: 'gauge',
      aperture_jobs_oldest_due_seconds: 'gauge',
      aperture_jobs_failed: 'gauge',
      aperture_audit_unsequenced_events: 'gauge',
      aperture_audit_checkpoint_age_seconds: 'gauge',
      aperture_vended_roles_active: 'gauge',
      aperture_change_feed_connected: 'gauge',
      aperture_change_feed_delay_seconds: 'histogram',
      aperture_clock_offset_seconds: 'gauge',
    });
    expect(sampleSum(families, 'aperture_change_feed_connected')).toBe(1);
    // The world's set-up changed things (an intent, agents): each change was heard, and soon.
    const heard = Number(/^aperture_change_feed_delay_seconds_count (\d+)$/m.exec(text)?.[1]);
    const heardWithinASecond = Number(
      /^aperture_change_feed_delay_seconds_bucket\{le="1"\} (\d+)$/m.exec(text)?.[1],
    );
    expect(heard).toBeGreaterThan(0);
    expect(heardWithinASecond).toBe(heard);
    // Same host as the database: measured, and near nothing.
    expect(Math.abs(sampleSum(families, 'aperture_clock_offset_seconds'))).toBeLessThan(0.5);
    // Default process metrics, with the prefix.
    expect(families.get('aperture_process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('aperture_nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(sampleSum(families, 'aperture_metrics_database_up')).toBe(1);
    for (const family of families.values()) expect(family.help.length).toBeGreaterThan(10);
  });

  it('counts HTTP requests by door and times GraphQL operations by type and name', async () => {
    const token = await t.world.humanToken('ana@acme.test');
    const before = parseExposition(await metricsText());
    for (let index = 0; index < 3; index += 1) {
      const result = await t.world.gql(token, 'query MetricsProbe { __typename }');
      expect(result.errors).toBeUndefined();
    }
    const after = parseExposition(await metricsText());
    const http = { route: 'graphql', method: 'POST', status: '2xx' };
    expect(
      sampleSum(after, 'aperture_http_requests_total', http) -
        sampleSum(before, 'aperture_http_requests_total', http),
    ).toBeGreaterThanOrEqual(3);
    expect(sampleSum(after, 'aperture_http_request_duration_seconds_count', http)).toBeGreaterThanOrEqual(3);
    expect(
      sampleSum(after, 'aperture_graphql_operation_duration_seconds_count', {
        type: 'query',
        name: 'MetricsProbe',
        outcome: 'success',
      }),
    ).toBe(3);
    // The scrapes are counted too, under their own door.
    expect(sampleSum(after, 'aperture_http_requests_total', { route: 'metrics' })).toBeGreaterThan(0);
    const unknown = await fetch(`${t.world.service.url}/no/such/ana@acme.test`);
    expect(unknown.status).toBe(404);
    const unmatched = parseExposition(await metricsText());
    expect(sampleSum(unmatched, 'aperture_http_requests_total', { route: 'none', status: '4xx' })).toBe(1);
  });

  it('caps the operation names it shows', async () => {
    const token = await t.world.humanToken('ana@acme.test');
    const long = `Q${'x'.repeat(64)}`;
    await t.world.gql(token, `query ${long} { __typename }`);
    await t.world.gql(token, '{ __typename }');
    for (let index = 0; index < 205; index += 1) {
      await t.world.gql(token, `query Probe${index} { __typename }`);
    }
    const families = parseExposition(await metricsText());
    const names = new Set(
      families
        .get('aperture_graphql_operation_duration_seconds')!
        .samples.map((sample) => sample.labels.name),
    );
    expect(names.has(long)).toBe(false);
    expect(names.has('other')).toBe(true);
    expect(names.has('anonymous')).toBe(true);
    expect(names.size).toBeLessThanOrEqual(202);
    expect(names.has('Probe204')).toBe(false);
  });

  it('counts decisions by outcome and by whom once they are taken', async () => {
    const before = parseExposition(await metricsText());
    const agent = await t.world.agentToken('ana@acme.test', { agent: 'Metrics agent' });
    const requestId = await fileRoutedRequest(t.world, agent);
    const approver = await t.world.humanToken('approver00@acme.test');
    const denied = await t.world.gql<{ denyAccessRequest: { status: string } }>(
      approver,
      'mutation ($input: DecideAccessRequestInput!) { denyAccessRequest(input: $input) { status } }',
      { input: { requestId, reason: 'not this quarter' } },
    );
    expect(denied.data?.denyAccessRequest.status).toBe('DENIED');
    const after = parseExposition(await metricsText());
    const moved = (labels: Record<string, string>) =>
      sampleSum(after, 'aperture_access_decisions_total', labels) -
      sampleSum(before, 'aperture_access_decisions_total', labels);
    expect(moved({ outcome: 'routed', by: 'rule' })).toBe(1);
    expect(moved({ outcome: 'denied', by: 'person' })).toBe(1);
    expect(moved({ outcome: 'approved' })).toBe(0);
  });

  it('shows the job backlog and its lag, and the vended roles per source, from the database', async () => {
    const kind = 'metrics.probe';
    // Leased far ahead, so no worker takes it while the test reads the gauges.
    await t.db.prisma.job.create({
      data: {
        id: randomUUID(),
        kind,
        payload: {},
        runAt: new Date(Date.now() - 90_000),
        lockedUntil: new Date(Date.now() + 3_600_000),
      },
    });
    await t.db.prisma.vendedRole.create({
      data: {
        id: randomUUID(),
        roleName: 'ap_v_metrics',
        source: 'warehouse',
        humanId: randomUUID(),
        humanEmail: 'ana@acme.test',
        chain: ['agent-metrics'],
        intent: 'analytics',
        tokenId: 'token-id-metrics-secret',
        channel: { name: 'graphql' },
        access: { datasets: [{ path: 'analytics.marts.customers' }] },
        grantIds: [],
        policyVersion: 1,
        expiresAt: new Date(Date.now() + 600_000),
      },
    });
    const text = await metricsText();
    const families = parseExposition(text);
    expect(sampleSum(families, 'aperture_metrics_database_up')).toBe(1);
    expect(sampleSum(families, 'aperture_jobs_due', { kind })).toBe(1);
    expect(sampleSum(families, 'aperture_jobs_oldest_due_seconds')).toBeGreaterThanOrEqual(89);
    expect(sampleSum(families, 'aperture_vended_roles_active', { source: 'warehouse' })).toBe(1);
    expect(families.get('aperture_audit_unsequenced_events')?.samples).toHaveLength(1);
    // Nothing identifying in any label: no email, token id, catalog path or request id.
    const labels = text
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .map((line) => /\{(.*)\}/.exec(line)?.[1] ?? '')
      .join('\n');
    for (const secret of ['@', 'token-id', 'analytics.', metricsToken, 'agent-metrics']) {
      expect(labels).not.toContain(secret);
    }
    expect(labels).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});
