import { Gauge, type Registry } from 'prom-client';
import { metricsPrefix } from './metrics.ts';

/**
 * Whether this replica hears the change feed (its LISTEN connection is up). While it does not,
 * its caches are not trusted (how late it hears changes: change-feed-delay.ts).
 */
export function addChangeFeedGauge(registry: Registry, reliable: () => boolean): void {
  new Gauge({
    name: `${metricsPrefix}change_feed_connected`,
    help: 'Whether this replica hears the change feed (1) or not (0: its caches are bypassed until it reconnects).',
    registers: [registry],
    collect() {
      this.set(reliable() ? 1 : 0);
    },
  });
}
