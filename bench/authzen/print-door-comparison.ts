import type { LoadResult } from '../load/load-spec.ts';
import { describeLoad } from '../load/run-load.ts';
import type { DoorComparison } from './authzen-comparisons.ts';

/** The timed runs of one comparison: the GraphQL floor and the AuthZEN door, same asks. */
export interface DoorRuns {
  floor: LoadResult;
  authzen: LoadResult;
}

/**
 * Prints both runs of a comparison and a line of ratios (AuthZEN over GraphQL). With a goal, the
 * line starts MET or MISSED (AuthZEN p50 <= goal x the floor's p50, nothing failed); returns
 * whether the comparison ran clean and met its goal if it has one.
 */
export function printDoorComparison(
  compared: DoorComparison,
  runs: DoorRuns,
  { connections, goal }: { connections: number; goal?: number },
): boolean {
  console.log(
    `== ${compared.label}: ${compared.asks.length} distinct requests${compared.note ? ` (${compared.note})` : ''}`,
  );
  console.log(describeLoad(`${compared.floorLabel}, ${connections} connections`, runs.floor));
  console.log(describeLoad(`${compared.authzenLabel}, ${connections} connections`, runs.authzen));
  const floor = runs.floor.steps[0];
  const authzen = runs.authzen.steps[0];
  const failures = runs.floor.failures + runs.authzen.failures;
  if (!floor || !authzen) {
    console.log(`MISSED ${compared.label}: a door answered nothing`);
    return false;
  }
  const p50 = authzen.p50 / floor.p50;
  const p99 = authzen.p99 / floor.p99;
  const throughput = runs.authzen.requestsPerSecond / runs.floor.requestsPerSecond;
  const met = failures === 0 && (goal === undefined || p50 <= goal);
  const verdict = goal === undefined ? (failures === 0 ? '' : 'FAILED') : met ? 'MET' : 'MISSED';
  const claim = goal === undefined ? 'AuthZEN / GraphQL' : `AuthZEN latency <= ${goal}x GraphQL`;
  console.log(
    `${verdict.padEnd(6)} ${compared.label}: ${claim}: p50 ${p50.toFixed(2)}x (${authzen.p50.toFixed(1)} / ${floor.p50.toFixed(1)} ms); p99 ${p99.toFixed(2)}x (${authzen.p99.toFixed(1)} / ${floor.p99.toFixed(1)} ms); req/s ${runs.authzen.requestsPerSecond.toFixed(0)} / ${runs.floor.requestsPerSecond.toFixed(0)} (${(throughput * 100).toFixed(0)}%)${failures > 0 ? `; ${failures} FAILED` : ''}`,
  );
  return met;
}

/** A boxcar's decisions per second against single evaluations' (one decision per call). */
export function printBoxcarGain(
  boxcar: { compared: DoorComparison; run: LoadResult },
  single: { compared: DoorComparison; run: LoadResult },
): void {
  const boxcarRate = boxcar.run.requestsPerSecond * boxcar.compared.decisionsPerCall;
  const singleRate = single.run.requestsPerSecond * single.compared.decisionsPerCall;
  const perCall = boxcar.compared.decisionsPerCall;
  const boxcarP50 = boxcar.run.steps[0]?.p50 ?? Number.NaN;
  const singleP50 = single.run.steps[0]?.p50 ?? Number.NaN;
  console.log(
    `       ${boxcar.compared.label}: ${boxcarRate.toFixed(0)} decisions/s against ${single.compared.label}'s ${singleRate.toFixed(0)} (${(boxcarRate / singleRate).toFixed(1)}x); one boxcar p50 ${boxcarP50.toFixed(1)} ms against ${perCall} single evaluations' ${(perCall * singleP50).toFixed(1)} ms one after another`,
  );
}
