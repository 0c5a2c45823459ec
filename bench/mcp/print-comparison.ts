import type { LoadResult } from '../load/load-spec.ts';
import { describeLoad } from '../load/run-load.ts';
import type { Comparison } from './bench-comparisons.ts';

/** Prints the runs of one comparison and its verdict; true when the goal is met without failures. */
export function printComparison(
  compared: Comparison,
  runs: { graphql: LoadResult; mcp: LoadResult; legacy: LoadResult | null },
  { connections, goal }: { connections: number; goal: number },
): boolean {
  console.log(`== ${compared.label}`);
  console.log(describeLoad(`GraphQL, ${connections} connections`, runs.graphql));
  console.log(describeLoad(`MCP 2026-07-28, ${connections} connections`, runs.mcp));
  if (runs.legacy)
    console.log(describeLoad(`MCP 2025-11-25 (stateless), ${connections} connections`, runs.legacy));
  const graphql = runs.graphql.steps[0]!;
  const mcp = runs.mcp.steps[0]!;
  const p50 = mcp.p50 / graphql.p50;
  const p99 = mcp.p99 / graphql.p99;
  const throughput = runs.mcp.requestsPerSecond / runs.graphql.requestsPerSecond;
  const failures = runs.graphql.failures + runs.mcp.failures + (runs.legacy?.failures ?? 0);
  const met = p50 <= goal && failures === 0 && runs.mcp.requests > 0 && runs.graphql.requests > 0;
  console.log(
    `${(met ? 'MET' : 'MISSED').padEnd(6)} ${compared.label}: MCP latency <= ${goal}x GraphQL: p50 ${p50.toFixed(2)}x (${mcp.p50.toFixed(1)} / ${graphql.p50.toFixed(1)} ms); p99 ${p99.toFixed(2)}x (${mcp.p99.toFixed(1)} / ${graphql.p99.toFixed(1)} ms); req/s ${runs.mcp.requestsPerSecond.toFixed(0)} / ${runs.graphql.requestsPerSecond.toFixed(0)} (${(throughput * 100).toFixed(0)}%)${failures > 0 ? `; ${failures} FAILED` : ''}`,
  );
  return met;
}
