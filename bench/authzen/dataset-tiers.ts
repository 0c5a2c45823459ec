import type { BenchDelegation } from '../mcp/bench-delegations.ts';

export type GraphqlTier = 'DISCOVER' | 'READ';

/** A (viewer, dataset) pair with the tier GraphQL shows that viewer: what AuthZEN must agree with. */
export interface TieredPair {
  delegation: BenchDelegation;
  path: string;
  tier: GraphqlTier;
}

/** Asks GraphQL `dataset(path) { tier }` once per pair (every pair is visible: visibleDatasets). */
export async function datasetTiers(
  graphqlUrl: string,
  pairs: { delegation: BenchDelegation; path: string }[],
): Promise<TieredPair[]> {
  const tiered: TieredPair[] = [];
  for (const { delegation, path } of pairs) {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${delegation.graphqlToken}` },
      body: JSON.stringify({
        query: 'query ($path: String!) { dataset(path: $path) { tier } }',
        variables: { path },
      }),
    });
    const answer = (await response.json()) as { data?: { dataset: { tier: GraphqlTier } | null } };
    const tier = answer.data?.dataset?.tier;
    if (tier !== 'DISCOVER' && tier !== 'READ')
      throw new Error(`${delegation.email} ${path}: GraphQL shows ${JSON.stringify(answer)}`);
    tiered.push({ delegation, path, tier });
  }
  return tiered;
}
