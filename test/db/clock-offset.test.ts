import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClockState,
  describeOffset,
  nextClockState,
  offsetOf,
  untrustedReason,
} from '../../src/db/clock/clock-offset.ts';
import { ClockOffsetMonitor } from '../../src/db/clock/clock-offset-monitor.ts';
import { createLogger } from '../../src/logging/logger.ts';
import {
  createEmbeddedTestDatabase,
  createTestDatabase,
  silentLogger,
  type TestDatabase,
} from '../support/test-database.ts';

describe('the clock offset of one round trip', () => {
  it('reads the database time as taken halfway through the round trip', () => {
    expect(offsetOf({ sentAt: 1_000, databaseAt: 1_010, receivedAt: 1_020 })).toEqual({
      offsetMs: 0,
      roundTripMs: 20,
    });
    // This clock 30 s behind: the database answers with a time 30 s later than ours.
    expect(offsetOf({ sentAt: 0, databaseAt: 30_005, receivedAt: 10 })).toEqual({
      offsetMs: -30_000,
      roundTripMs: 10,
    });
    expect(offsetOf({ sentAt: 30_000, databaseAt: 0, receivedAt: 30_000 }).offsetMs).toBe(30_000);
  });

  it('says which way and how far, in seconds', () => {
    expect(describeOffset(-30_080)).toBe('the clock is 30.1 s behind the database');
    expect(describeOffset(2_500)).toBe('the clock is 2.5 s ahead of the database');
    expect(describeOffset(0)).toBe('the clock is 0.0 s ahead of the database');
  });
});

describe('the verdict over measurements', () => {
  const unknown: ClockState = { measured: false };
  const at = (offsetMs: number, roundTripMs = 2) => ({ offsetMs, roundTripMs });

  it('does not trust a clock not measured yet; trusts one within the tolerance either way', () => {
    expect(untrustedReason(unknown, 2_000)).toBe('the clock is not measured against the database yet');
    for (const offsetMs of [0, 2_000, -2_000]) {
      const { state, change } = nextClockState(unknown, at(offsetMs), 5, 2_000);
      expect(state).toEqual({ measured: true, offsetMs, measuredAt: 5, trusted: true });
      expect(change).toBeNull();
      expect(untrustedReason(state, 2_000)).toBeUndefined();
    }
  });

  it('says when the clock goes off and when it comes back, once each', () => {
    const off = nextClockState(unknown, at(-30_100), 1, 2_000);
    expect(off.change).toBe('off');
    expect(untrustedReason(off.state, 2_000)).toBe(
      'the clock is 30.1 s behind the database (more than the 2000 ms allowed)',
    );
    const stillOff = nextClockState(off.state, at(-29_000), 2, 2_000);
    expect(stillOff.change).toBeNull();
    expect(stillOff.state).toMatchObject({ trusted: false, offsetMs: -29_000 });
    const back = nextClockState(stillOff.state, at(40), 3, 2_000);
    expect(back.change).toBe('back');
    expect(untrustedReason(back.state, 2_000)).toBeUndefined();
    expect(nextClockState(back.state, at(3), 4, 2_000).change).toBeNull();
    expect(nextClockState(back.state, at(2_001), 4, 2_000).change).toBe('off');
  });

  it('drops a measurement whose round trip is longer than the tolerance and keeps the verdict', () => {
    const off = nextClockState(unknown, at(30_000), 1, 2_000).state;
    const slow = nextClockState(off, at(0, 2_500), 2, 2_000);
    expect(slow).toEqual({ state: off, change: null, dropped: true });
    expect(nextClockState(unknown, at(30_000, 2_500), 1, 2_000).state).toEqual(unknown);
  });
});

describe('the clock offset monitor', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 60_000);
  afterAll(() => db?.dispose());

  it('measures a clock that is the database host clock as within a few ms of it', async () => {
    const monitor = new ClockOffsetMonitor(db.sql, { maxOffsetMs: 2_000, logger: silentLogger });
    expect(monitor.offsetSeconds()).toBeUndefined();
    await monitor.start();
    try {
      // Within half a round trip, which a busy machine stretches: far below the 2 s tolerance either way.
      expect(Math.abs(monitor.offsetSeconds() ?? Number.NaN)).toBeLessThan(0.5);
      expect(monitor.untrustedReason()).toBeUndefined();
    } finally {
      await monitor.stop();
    }
  });

  it('logs one warning when the clock goes off, none while it stays off, and one line when it is back', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger(
      { level: 'info', format: 'json' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    let skewMs = 0;
    const monitor = new ClockOffsetMonitor(db.sql, {
      maxOffsetMs: 2_000,
      logger,
      intervalMs: 60_000,
      now: () => Date.now() + skewMs,
    });
    await monitor.start();
    try {
      expect(monitor.untrustedReason()).toBeUndefined();
      skewMs = 30_000;
      await monitor.measure();
      await monitor.measure();
      expect(monitor.untrustedReason()).toMatch(
        /^the clock is 30\.0 s ahead of the database \(more than the 2000 ms allowed\)$/,
      );
      expect(monitor.offsetSeconds()).toBeCloseTo(30, 1);
      skewMs = 0;
      await monitor.measure();
      expect(monitor.untrustedReason()).toBeUndefined();
    } finally {
      await monitor.stop();
    }
    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      {
        level: 40,
        msg: 'the clock is 30.0 s ahead of the database, more than the 2000 ms allowed: this replica reports not ready and its job worker pauses until the clock is back',
      },
      { level: 30, msg: 'the clock is back within 2000 ms of the database' },
    ]);
    expect(lines[0]).toMatchObject({ maxOffsetMs: 2_000, offsetMs: expect.any(Number) });
  });

  it('does not vouch for a clock it could not measure', async () => {
    const monitor = new ClockOffsetMonitor(
      {
        ...db.sql,
        withConnection: () => Promise.reject(new Error('connection refused')),
      },
      { maxOffsetMs: 2_000, logger: silentLogger },
    );
    expect(monitor.untrustedReason()).toBeUndefined();
    await monitor.start();
    await monitor.stop();
    expect(monitor.offsetSeconds()).toBeUndefined();
    // Started but never measured: not trusted (the replica waits rather than guess).
    expect(monitor.untrustedReason()).toBe('the clock is not measured against the database yet');
  });

  it('measures the embedded database too (same process: no offset)', async () => {
    const embedded = await createEmbeddedTestDatabase();
    const monitor = new ClockOffsetMonitor(embedded.sql, { maxOffsetMs: 2_000, logger: silentLogger });
    try {
      await monitor.start();
      // Within half a round trip, which a busy machine stretches: far below the 2 s tolerance either way.
      expect(Math.abs(monitor.offsetSeconds() ?? Number.NaN)).toBeLessThan(0.5);
    } finally {
      await monitor.stop();
      await embedded.dispose();
    }
  }, 60_000);
});
