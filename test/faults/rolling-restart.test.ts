import { describe, expect, it } from 'vitest';
import { useFaultWorld } from './support/fault-world.ts';
import { finishScenario } from './support/invariants.ts';
import { LoadBalancer } from './support/load-balancer.ts';
import { sleep, Workload } from './support/workload.ts';

// Long enough for the load balancer (every 200 ms) to take a stopping replica out of rotation.
const faults = useFaultWorld({ env: { SHUTDOWN_DRAIN_MS: '1000' } });

describe('a rolling restart of every replica under load', () => {
  it('behind a load balancer that follows /ready, not one call fails', async () => {
    const { world } = faults;
    const balancer = new LoadBalancer(world.replicas);
    await balancer.start();
    const workload = new Workload(world, balancer.routable);
    workload.start();
    await sleep(2_000);
    for (const replica of world.replicas) {
      await replica.stop();
      await replica.start();
      await balancer.until(replica, true);
      await sleep(1_000);
    }
    const report = await finishScenario(world, workload);
    balancer.stop();
    const failed = world.history.calls.filter((call) => call.status === 0 || call.status >= 500);
    console.log(
      `faults: rolling restart — ${workload.filed.size} requests, ${world.history.calls.length} calls, ${failed.length} failed`,
    );
    expect(report.violations).toEqual([]);
    expect(failed).toEqual([]);
  });
});
