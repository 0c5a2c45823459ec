import type { LoadStep } from '../load/load-spec.ts';
import type { BenchDelegation } from './bench-delegations.ts';
import { legacyToolCall, modernToolCall, type RawToolCall } from './mcp-tool-call.ts';

/** One read, asked through both doors by the same delegations: GraphQL and an MCP tool call. */
export interface Comparison {
  label: string;
  /** One single-step scenario per (viewer, object) pair, the same pairs for every door. */
  graphql: LoadStep[][];
  mcp: LoadStep[][];
  /** The same tool calls from a 2025-era client (stateless fallback), for reference. */
  legacy: LoadStep[][];
}

interface Ask {
  delegation: BenchDelegation;
  variables: Record<string, unknown>;
}

/**
 * Builds a comparison: each ask becomes a GraphQL POST of `query` with its variables and a
 * `tools/call` of `tool` with `argumentsOf(variables)`. `expect` names a substring only a
 * successful answer holds (autocannon counts anything else as a failure).
 */
export function comparison(spec: {
  label: string;
  query: string;
  graphqlExpect: string;
  tool: string;
  argumentsOf: (variables: Record<string, unknown>) => Record<string, unknown>;
  mcpExpect: string;
  asks: Ask[];
}): Comparison {
  const step = (token: string, call: RawToolCall): LoadStep => ({
    label: spec.label,
    path: '/mcp',
    headers: { ...call.headers, authorization: `Bearer ${token}` },
    body: call.body,
    expect: spec.mcpExpect,
  });
  return {
    label: spec.label,
    graphql: spec.asks.map(({ delegation, variables }) => [
      {
        label: spec.label,
        path: '/graphql',
        headers: { authorization: `Bearer ${delegation.graphqlToken}` },
        body: JSON.stringify({ query: spec.query, variables }),
        expect: spec.graphqlExpect,
      },
    ]),
    mcp: spec.asks.map(({ delegation, variables }) => [
      step(delegation.mcpToken, modernToolCall(spec.tool, spec.argumentsOf(variables))),
    ]),
    legacy: spec.asks.map(({ delegation, variables }) => [
      step(delegation.mcpToken, legacyToolCall(spec.tool, spec.argumentsOf(variables))),
    ]),
  };
}
