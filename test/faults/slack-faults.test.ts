import { describe, expect, it } from 'vitest';
import type { FailureMode } from '../support/fake-slack.ts';
import type { FaultWorld } from './support/fault-world.ts';
import { useFaultWorld } from './support/fault-world.ts';
import { checkInvariants, settle } from './support/invariants.ts';
import { sleep, Workload } from './support/workload.ts';

const faults = useFaultWorld();
/** Agents only: the prompts stay up (and are updated when the last test decides them). */
const workload = () => new Workload(faults.world, undefined, { agents: 3, approvers: 0, grantSeconds: 4 });
const workloads: Workload[] = [];

/** Prompts routed requests are waiting for: every routed request's prompt row, and those without a ts. */
async function undelivered(world: FaultWorld): Promise<number> {
  const [row] = await world.database.prisma.$queryRaw<{ missing: bigint }[]>`
    SELECT count(*) AS missing FROM "AccessRequest" r
    WHERE r."status" = 'PENDING' AND NOT EXISTS (
      SELECT 1 FROM "SlackMessage" m WHERE m."requestId" = r."id" AND m."ts" IS NOT NULL)`;
  return Number(row!.missing);
}

/** ms from `since` until every pending request's prompt is in Slack. */
async function deliveredAfter(world: FaultWorld, since: number, timeoutMs = 60_000): Promise<number> {
  while ((await undelivered(world)) > 0) {
    if (Date.now() - since > timeoutMs)
      throw new Error(`${await undelivered(world)} prompts still undelivered`);
    await sleep(100);
  }
  return Date.now() - since;
}

/**
 * Requests filed while `fault` lasts `ms`; then Slack heals, and every prompt is delivered.
 * `backlog`: the fault lasts until healed, so prompts must be waiting when it is (a fault of a few
 * failed calls may be over, and retried, before the traffic stops).
 */
async function underFault(
  world: FaultWorld,
  fault: () => void,
  heal: () => void,
  ms: number,
  backlog = true,
): Promise<number> {
  const traffic = workload();
  workloads.push(traffic);
  fault();
  traffic.start();
  await sleep(ms);
  await traffic.stop();
  if (backlog) expect(await undelivered(world)).toBeGreaterThan(0);
  const healedAt = Date.now();
  heal();
  return deliveredAfter(world, healedAt);
}

describe('Slack down, slow, rate limiting, or failing after it posted: every prompt once', () => {
  it('an outage: prompts wait in the outbox and go out once Slack is back', async () => {
    const { world } = faults;
    const delay = await underFault(
      world,
      () => world.slack.down(),
      () => world.slack.up(),
      10_000,
    );
    console.log(`faults: Slack down 10 s — every prompt delivered ${delay} ms after it came back`);
  });

  it('answers that take 3 s each', async () => {
    const { world } = faults;
    const delay = await underFault(
      world,
      () => world.slack.slow(3_000),
      () => world.slack.slow(0),
      6_000,
    );
    console.log(`faults: Slack slow (3 s per call) — backlog delivered ${delay} ms after it sped up`);
  });

  it('429 with Retry-After, then 500 after the message was posted', async () => {
    const { world } = faults;
    const modes: [number, FailureMode, string | undefined][] = [
      [8, { ratelimited: 2 }, undefined],
      [8, { status: 500, afterEffect: true }, 'chat.postMessage'],
    ];
    for (const [count, mode, method] of modes) {
      const delay = await underFault(
        world,
        () => world.slack.failNext(count, mode, method ? { method } : {}),
        () => {},
        3_000,
        false,
      );
      console.log(`faults: Slack ${JSON.stringify(mode)} x${count} — all delivered ${delay} ms later`);
    }
    const failed = world.slack.calls.filter((call) => call.status === 429 || call.status === 500);
    expect(failed.length).toBeGreaterThanOrEqual(16);
  });

  it('holds every invariant: no prompt posted twice or lost, each request decided once', async () => {
    const { world } = faults;
    const all = workload();
    for (const traffic of workloads) for (const [id, filed] of traffic.filed) all.filed.set(id, filed);
    // The approvers decide everything now (the prompts are updated, the humans told).
    const deciding = new Workload(world, undefined, { agents: 0, approvers: 2, grantSeconds: 2 });
    for (const traffic of workloads) deciding.adopt(traffic);
    await deciding.drain();
    await sleep(3_000);
    await settle(world);
    const report = await checkInvariants(world, all);
    expect(report.violations).toEqual([]);
    expect(all.filed.size).toBeGreaterThan(20);
  });
});
