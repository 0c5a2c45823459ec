import { describe, expect, it } from 'vitest';
import { useFaultWorld } from './support/fault-world.ts';
import { expiryBoundAfterCrashMs, finishScenario, percentile } from './support/invariants.ts';
import type { Replica } from './support/replica.ts';
import { sleep, Workload } from './support/workload.ts';

const faults = useFaultWorld();

describe('replicas killed with SIGKILL while they work', () => {
  it('loses, doubles and leaves late nothing: requests, approvals, grant expiry, Slack delivery', async () => {
    const { world } = faults;
    const workload = new Workload(world);
    workload.start();
    await sleep(4_000);
    for (const victim of [world.replicas[1]!, world.replicas[2]!]) {
      await victim.kill();
      await sleep(3_000);
      await victim.start();
      await sleep(2_000);
    }
    const report = await finishScenario(world, workload, { expiryMs: expiryBoundAfterCrashMs });
    console.log(
      `faults: kill -9 — ${workload.filed.size} requests, ${report.expiryLatenessMs.length} grants expired, lateness p50 ${percentile(report.expiryLatenessMs, 50)} ms, p99 ${percentile(report.expiryLatenessMs, 99)} ms, max ${Math.max(...report.expiryLatenessMs)} ms`,
    );
    console.log(JSON.stringify(world.history.summary()));
    expect(report.violations).toEqual([]);
    expect(workload.filed.size).toBeGreaterThan(20);
  });

  it('a mining run cut short stores all of its result or none of it, and the next run completes', async () => {
    const { world } = faults;
    const [survivor, victim] = world.replicas as [Replica, Replica];
    const gina = await world.humanToken('gina@acme.test');
    const mine = 'mutation { runMining { id decisions } }';
    const cut = world.history.graphql(victim, 'mine', gina, mine);
    await sleep(100);
    await victim.kill();
    await cut;
    const runs = await world.database.prisma.miningRun.findMany({
      include: { _count: { select: { suggestions: true } } },
    });
    for (const run of runs) {
      // Unfinished: the replica died before storing; nothing of it is stored.
      if (!run.finishedAt) expect(run._count.suggestions).toBe(0);
    }
    const next = await world.history.graphql<{ runMining: { decisions: number } }>(
      survivor,
      'mine',
      gina,
      mine,
    );
    expect(next.data?.runMining.decisions).toBeGreaterThan(0);
    await victim.start();
    expect((await victim.ready()).status).toBe(200);
  });
});
