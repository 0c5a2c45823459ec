import { describe, expect, it } from 'vitest';
import { requestPolicies } from '../support/requests-fixture.ts';
import { changeFeedBackendPid } from './support/change-feed-backend.ts';
import type { FaultWorld } from './support/fault-world.ts';
import { useFaultWorld } from './support/fault-world.ts';
import { percentile } from './support/invariants.ts';
import { datasetCount, msUntil, refuses, tokenIdOf } from './support/probes.ts';
import type { Replica } from './support/replica.ts';

const faults = useFaultWorld();

/** Documented bounds (README, Operations): a change reaches every replica within these. */
const notifiedBoundMs = 1_000;
/** A LISTEN connection that died silently is noticed by its heartbeat: every 2 s, 2 s to answer. */
const silentCutBoundMs = 4_000 + notifiedBoundMs;

let trial = 0;

/**
 * A fresh delegation of Ana's, used once on every replica (so each has verified and cached it),
 * then revoked by Ana on `revokeOn`; returns, per other replica, the ms from the revocation's
 * answer to the first refusal.
 */
async function revocationDelays(world: FaultWorld, revokeOn: Replica, watched: Replica[]): Promise<number[]> {
  trial += 1;
  const token = await world.agentToken('ana@acme.test', { replica: revokeOn, taskId: `revocation-${trial}` });
  for (const replica of world.replicas) expect(await refuses(replica, token!)).toBe(false);
  const revoked = await world.history.graphql<{ revokeDelegationToken: string[] }>(
    revokeOn,
    'revoke',
    await world.humanToken('ana@acme.test'),
    'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }',
    { id: tokenIdOf(token!) },
  );
  const answeredAt = Date.now();
  expect(revoked.data?.revokeDelegationToken).toHaveLength(1);
  expect(await refuses(revokeOn, token!)).toBe(true);
  return Promise.all(watched.map((replica) => msUntil(() => refuses(replica, token!), answeredAt, 30_000)));
}

async function applyPolicies(world: FaultWorld, on: Replica, policies: unknown): Promise<number> {
  const applied = await world.history.graphql<{ applyPolicies: { version: number } }>(
    on,
    'policies',
    await world.humanToken('gina@acme.test'),
    'mutation ($p: JSON!) { applyPolicies(policies: $p) { version } }',
    { p: policies },
  );
  expect(applied.errors).toBeUndefined();
  return Date.now();
}

describe('changes reach every replica (LISTEN/NOTIFY), and a replica that stops hearing them stops trusting its caches', () => {
  it('honours a revocation on every other replica within the bound', async () => {
    const { world } = faults;
    const delays: number[] = [];
    for (let round = 0; round < 30; round += 1) {
      const revokeOn = world.replicas[round % world.replicas.length]!;
      delays.push(
        ...(await revocationDelays(
          world,
          revokeOn,
          world.replicas.filter((replica) => replica !== revokeOn),
        )),
      );
    }
    console.log(
      `faults: revocation across replicas — ${delays.length} observations, p50 ${percentile(delays, 50)} ms, p99 ${percentile(delays, 99)} ms, max ${Math.max(...delays)} ms`,
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(notifiedBoundMs);
  });

  it('a replica whose LISTEN connection is cut bypasses its caches: revocations and policy changes are not late', async () => {
    const { world } = faults;
    const [first, second] = world.replicas as [Replica, Replica];
    const backend = await changeFeedBackendPid(world, second);
    await world.cluster.withClient((client) => client.query('SELECT pg_terminate_backend($1)', [backend]));
    const [delay] = await revocationDelays(world, first, [second]);
    expect(delay).toBeLessThanOrEqual(notifiedBoundMs);

    const token = await world.agentToken('ana@acme.test', { replica: second, taskId: 'policy-change' });
    const before = await datasetCount(second, token!);
    const again = await changeFeedBackendPid(world, second).catch(() => undefined);
    if (again)
      await world.cluster.withClient((client) => client.query('SELECT pg_terminate_backend($1)', [again]));
    const [, readPublic] = requestPolicies;
    const appliedAt = await applyPolicies(world, first, [readPublic]);
    const narrowed = await msUntil(
      async () => (await datasetCount(second, token!)) !== before,
      appliedAt,
      30_000,
    );
    await applyPolicies(world, first, requestPolicies);
    console.log(
      `faults: LISTEN cut (terminated) — revocation honoured after ${delay} ms, policy change after ${narrowed} ms`,
    );
    expect(narrowed).toBeLessThanOrEqual(notifiedBoundMs);
  });

  it('a LISTEN connection that hangs silently is noticed by its heartbeat within the bound', async () => {
    const { world } = faults;
    const [first, second] = world.replicas as [Replica, Replica];
    // Wait for the listener to be back from the previous cut.
    const backend = await msUntil(
      async () => (await changeFeedBackendPid(world, second).catch(() => 0)) > 0,
      Date.now(),
      20_000,
    ).then(() => changeFeedBackendPid(world, second));
    // The backend process stops (as behind a dead NAT entry): no error, no notification, no answer.
    process.kill(backend, 'SIGSTOP');
    try {
      const [delay] = await revocationDelays(world, first, [second]);
      console.log(
        `faults: LISTEN hung (silent) — revocation honoured after ${delay} ms (bound ${silentCutBoundMs} ms)`,
      );
      expect(delay).toBeLessThanOrEqual(silentCutBoundMs);
    } finally {
      process.kill(backend, 'SIGCONT');
    }
  });
});
