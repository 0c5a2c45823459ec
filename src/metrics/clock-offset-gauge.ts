import { Gauge, type Registry } from 'prom-client';
import { metricsPrefix } from './metrics.ts';

/**
 * How far this replica's clock is from the database's, as last measured (NaN: not measured yet).
 * Expiries and timers are computed from the replica's clock while jobs are claimed by the
 * database's: alert on its absolute value well before the readiness tolerance.
 */
export function addClockOffsetGauge(registry: Registry, offsetSeconds: () => number | undefined): void {
  new Gauge({
    name: `${metricsPrefix}clock_offset_seconds`,
    help: "This replica's clock minus the database's, as last measured (positive: ahead; NaN: not measured yet).",
    registers: [registry],
    collect() {
      this.set(offsetSeconds() ?? Number.NaN);
    },
  });
}
