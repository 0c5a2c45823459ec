import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { BoundedLabel } from '../../src/metrics/bounded-label.ts';
import { addDatabaseGauges, type DatabaseReadings } from '../../src/metrics/database-gauges.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { decisionOutcome } from '../../src/requests/decision-outcome.ts';
import { httpLabels } from '../../src/server/create-http-server.ts';

const handle = () => {};

describe('metric labels', () => {
  it('keeps operation names to GraphQL names, 64 characters and the first 200 seen', () => {
    const label = new BoundedLabel(2);
    expect(label.labelFor(undefined)).toBe('anonymous');
    expect(label.labelFor('ana@acme.test')).toBe('other');
    expect(label.labelFor(`A${'b'.repeat(64)}`)).toBe('other');
    expect(label.labelFor('First')).toBe('First');
    expect(label.labelFor('Second')).toBe('Second');
    expect(label.labelFor('Third')).toBe('other');
    expect(label.labelFor('First')).toBe('First');
  });

  it('names the door, a known method and the status class, never the path', () => {
    expect(httpLabels({ prefix: '/graphql', handle }, 'POST', 200)).toEqual({
      route: 'graphql',
      method: 'POST',
      status: '2xx',
    });
    expect(httpLabels({ prefix: '/.well-known', handle }, 'GET', 404).route).toBe('well-known');
    expect(httpLabels({ prefix: '/oauth/token', handle }, 'POST', 400).route).toBe('oauth');
    expect(httpLabels({ prefix: '/', handle }, 'GET', 302).route).toBe('home');
    expect(httpLabels(undefined, 'BREW', 404)).toEqual({ route: 'none', method: 'other', status: '4xx' });
  });

  it('counts a decision by its outcome and maker, without the decider id', () => {
    expect(decisionOutcome({ status: 'APPROVED', decidedBy: 'rule:analysts-internal' })).toEqual({
      outcome: 'approved',
      by: 'rule',
    });
    expect(decisionOutcome({ status: 'DENIED', decidedBy: 'person:3f0c' })).toEqual({
      outcome: 'denied',
      by: 'person',
    });
    expect(decisionOutcome({ status: 'PENDING', decidedBy: null })).toEqual({
      outcome: 'routed',
      by: 'rule',
    });
    expect(decisionOutcome({ status: 'EXPIRED', decidedBy: 'system:expiry' })).toEqual({
      outcome: 'expired',
      by: 'system',
    });
    expect(decisionOutcome({ status: 'CANCELLED', decidedBy: 'agent:a1' }).by).toBe('agent');
  });
});

describe('database gauges', () => {
  const readings: DatabaseReadings = {
    dueJobs: [{ kind: 'grant.expire', count: 3 }],
    oldestDueJobSeconds: 12,
    failedJobs: 0,
    unsequencedAuditEvents: 5,
    checkpointAgeSeconds: null,
    activeVendedRoles: [],
  };

  it('reads the database once per scrape', async () => {
    const { registry } = createMetrics({ defaultMetrics: false });
    let reads = 0;
    addDatabaseGauges(registry, async () => {
      reads += 1;
      return readings;
    });
    const text = await registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('aperture_jobs_due{kind="grant.expire"} 3');
    expect(text).toContain('aperture_metrics_database_up 1');
    // No checkpoint yet: unknown (NaN) rather than a made-up age.
    expect(text).toMatch(/^aperture_audit_checkpoint_age_seconds Nan$/im);
    await registry.metrics();
    expect(reads).toBe(2);
  });

  it('gives up on a slow database and says so, without hanging the scrape', async () => {
    const { registry } = createMetrics({ defaultMetrics: false });
    addDatabaseGauges(registry, () => new Promise<DatabaseReadings>(() => {}), 50);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(text).toContain('aperture_metrics_database_up 0');
    expect(text).toMatch(/^aperture_jobs_oldest_due_seconds Nan$/im);
    expect(text).not.toMatch(/^aperture_jobs_due\{/m);
  });
});

describe('metrics settings', () => {
  it('serves /metrics only when asked: open with APERTURE_METRICS, behind a token with APERTURE_METRICS_TOKEN', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: false, token: null });
    expect(loadConfig({ APERTURE_METRICS: 'true' }).metrics).toEqual({ enabled: true, token: null });
    const token = 'a-long-enough-scraper-token';
    expect(loadConfig({ APERTURE_METRICS_TOKEN: token }).metrics).toEqual({ enabled: true, token });
    expect(loadConfig({ APERTURE_METRICS: 'false', APERTURE_METRICS_TOKEN: token }).metrics.enabled).toBe(
      false,
    );
    expect(() => loadConfig({ APERTURE_METRICS_TOKEN: 'short' })).toThrow(
      /APERTURE_METRICS_TOKEN: must be at least 16 characters \(got a value of 5 characters\)/,
    );
  });
});
