import { Histogram, type Registry } from 'prom-client';
import { metricsPrefix } from './metrics.ts';

/**
 * How late this replica hears a change (a revocation, a policy change, a new grant): from the
 * moment the writer sent it, by the database's clock, to the moment this replica's caches were
 * invalidated, by this replica's clock corrected by its measured offset. Returns the observer the
 * change feed calls for each notification.
 */
export function addChangeFeedDelayHistogram(
  registry: Registry,
  clockOffsetSeconds: () => number | undefined,
  now: () => number = Date.now,
): (sentAtMs: number) => void {
  const histogram = new Histogram({
    name: `${metricsPrefix}change_feed_delay_seconds`,
    help: 'From a change being sent (database clock) to this replica hearing it: how late its caches are invalidated.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (sentAtMs) => {
    const databaseNowMs = now() - (clockOffsetSeconds() ?? 0) * 1000;
    histogram.observe(Math.max(0, databaseNowMs - sentAtMs) / 1000);
  };
}
