import { describe, expect, it } from 'vitest';
import { readinessProbe } from '../../src/server/readiness-checks.ts';

describe('readiness checks', () => {
  it('is ready when every deciding check passes; an advisory failure shows but does not decide', async () => {
    const probe = readinessProbe(
      {
        one: { run: () => ({ ok: true }) },
        shared: { advisory: true, run: () => ({ ok: false, detail: 'down' }) },
      },
      { budgetMs: 100, reuseMs: 0 },
    );
    expect(await probe()).toEqual({
      ready: true,
      checks: {
        one: { ok: true, ms: expect.any(Number) },
        shared: { ok: false, detail: 'down', advisory: true, ms: expect.any(Number) },
      },
    });
  });

  it('reports a throwing check without its message (it may name a host), and a late one by its budget', async () => {
    const probe = readinessProbe(
      {
        throws: {
          run: () => {
            throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
          },
        },
        late: { budgetMs: 50, run: () => new Promise(() => {}) },
      },
      { budgetMs: 100, reuseMs: 0 },
    );
    const report = await probe();
    expect(report.ready).toBe(false);
    expect(report.checks.throws).toMatchObject({ ok: false, detail: 'the check failed' });
    expect(report.checks.late).toMatchObject({ ok: false, detail: 'did not answer within 50 ms' });
    expect(JSON.stringify(report)).not.toContain('10.0.0.5');
  });

  it('shares one run between concurrent callers, reuses it for reuseMs, and never starts a check still running', async () => {
    let runs = 0;
    let release: () => void = () => {};
    let clock = 0;
    const probe = readinessProbe(
      {
        slow: {
          budgetMs: 20,
          run: () => {
            runs += 1;
            return new Promise((resolve) => {
              release = () => resolve({ ok: true });
            });
          },
        },
      },
      { budgetMs: 100, reuseMs: 1_000, now: () => clock },
    );
    const [first, second] = await Promise.all([probe(), probe()]);
    expect(first).toBe(second);
    expect(first.checks.slow?.ok).toBe(false);
    expect(runs).toBe(1);
    clock = 500;
    expect(await probe()).toBe(first);
    clock = 2_000;
    // Still running from the first call: answered as late at once, not run again.
    expect((await probe()).checks.slow).toMatchObject({ ok: false, detail: 'did not answer within 20 ms' });
    expect(runs).toBe(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    clock = 4_000;
    const recovered = probe();
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    expect((await recovered).checks.slow?.ok).toBe(true);
    expect(runs).toBe(2);
  });
});
