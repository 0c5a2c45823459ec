import { describe, expect, it } from 'vitest';
import { useFaultWorld } from './support/fault-world.ts';
import { finishScenario, percentile } from './support/invariants.ts';
import { LoadBalancer } from './support/load-balancer.ts';
import { sleep, Workload } from './support/workload.ts';

const faults = useFaultWorld();

describe('a replica whose clock is 30 s off', () => {
  it('takes itself out (not ready, no jobs): grants still end on time and timers fire once', async () => {
    const { world } = faults;
    const skewed = world.replicas[2]!;
    const balancer = new LoadBalancer(world.replicas);
    await balancer.start();
    const workload = new Workload(world, balancer.routable);
    workload.start();
    // While its clock is off it answers API calls (a load balancer's stale choice) with 503.
    await world.history.outage(async () => {
      for (const shiftMs of [-30_000, 30_000]) {
        await skewed.stop();
        await skewed.start({ clockShiftMs: shiftMs });
        const ready = await skewed.ready();
        expect(ready.status).toBe(503);
        expect(JSON.stringify(ready.body.checks)).toMatch(
          /clock is (29|30)\.\d s (behind|ahead of) the database/,
        );
        await balancer.until(skewed, false);
        await sleep(6_000);
      }
      await skewed.stop();
    }, skewed.name);
    await skewed.start();
    await balancer.until(skewed, true);
    const report = await finishScenario(world, workload);
    balancer.stop();
    console.log(
      `faults: clock skew ±30 s on one replica — ${report.expiryLatenessMs.length} grants expired, lateness p50 ${percentile(report.expiryLatenessMs, 50)} ms, p99 ${percentile(report.expiryLatenessMs, 99)} ms`,
    );
    expect(report.violations).toEqual([]);
  });
});
