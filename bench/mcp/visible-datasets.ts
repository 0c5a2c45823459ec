import { domains, seededRandom } from '../company/large-company.ts';
import type { BenchDelegation } from './bench-delegations.ts';

/**
 * `count` (viewer, dataset) pairs in which the viewer sees the dataset (hidden means absent: a
 * hidden path is an error over MCP and null over GraphQL, not the read being compared).
 */
export async function visibleDatasets(
  graphqlUrl: string,
  delegations: BenchDelegation[],
  { count, models }: { count: number; models: number },
): Promise<{ delegation: BenchDelegation; path: string }[]> {
  const random = seededRandom(3);
  const pairs: { delegation: BenchDelegation; path: string }[] = [];
  let readable = 0;
  for (let tried = 0; pairs.length < count; tried += 1) {
    if (tried >= count * 20) throw new Error(`only ${pairs.length} visible datasets in ${tried} tries`);
    const index = Math.floor(random() * models);
    const candidate = `warehouse.${domains[index % domains.length]}.model_${index}`;
    const delegation = delegations[tried % delegations.length]!;
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${delegation.graphqlToken}` },
      body: JSON.stringify({
        query: 'query ($path: String!) { dataset(path: $path) { tier } }',
        variables: { path: candidate },
      }),
    });
    const answer = (await response.json()) as { data?: { dataset: { tier: string } | null } };
    if (!answer.data?.dataset) continue;
    pairs.push({ delegation, path: candidate });
    if (answer.data.dataset.tier === 'READ') readable += 1;
  }
  console.log(`describe: ${pairs.length} (viewer, dataset) pairs, ${readable} at READ, the rest DISCOVER`);
  return pairs;
}
