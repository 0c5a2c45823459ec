import { describe, expect, it } from 'vitest';
import { useFaultWorld } from './support/fault-world.ts';
import { finishScenario } from './support/invariants.ts';
import { sleep, Workload } from './support/workload.ts';

const faults = useFaultWorld();

describe('PostgreSQL restarted under load', () => {
  it('fast and immediate shutdowns: 503 UNAVAILABLE while it is down, then everything carries on', async () => {
    const { world } = faults;
    // No load balancer: calls keep reaching the replicas while the database is down.
    const workload = new Workload(world);
    workload.start();
    await sleep(3_000);
    for (const mode of ['fast', 'immediate'] as const) {
      await world.history.outage(() => world.cluster.restart(mode, 3_000));
      await sleep(4_000);
    }
    const report = await finishScenario(world, workload);
    const unavailable = world.history.serverErrors().length;
    console.log(
      `faults: PostgreSQL restarted (fast, immediate) — ${workload.filed.size} requests, ${unavailable} calls answered 503 while it was down, ${JSON.stringify(world.history.summary())}`,
    );
    console.log(`faults: first call served after each restart, ms: ${world.history.recoveryMs().join(', ')}`);
    console.log(`faults: timeline (ok/failed per second, ! PostgreSQL down) ${world.history.timeline()}`);
    expect(report.violations).toEqual([]);
    expect(unavailable).toBeGreaterThan(0);
    // Every replica is ready again (its pool, change feed, job worker and audit sequencer recovered).
    for (const replica of world.replicas) expect((await replica.ready()).status).toBe(200);
  });
});
