import { mcpResourceUrl } from '../../src/server/resource-urls.ts';
import { GovernanceClient } from '../../test/support/governance-client.ts';
import { exchangeToken } from '../../test/support/oauth-client.ts';
import type { TestIdentityProvider } from '../../test/support/test-identity-provider.ts';
import { personEmail } from '../company/large-company.ts';

/** One human's delegation to the bench agent, as two tokens: one for GraphQL, one bound to /mcp. */
export interface BenchDelegation {
  email: string;
  graphqlToken: string;
  mcpToken: string;
}

/**
 * Registers an intent and an agent (as person0, who governs the bench company), then has the agent
 * exchange each human's token twice: once for GraphQL (the service's own audience) and once with
 * RFC 8707 `resource=<origin>/mcp`. Same human, agent and intent: both doors see the same slice.
 */
export async function benchDelegations(
  service: { origin: string; graphqlUrl: string },
  idp: TestIdentityProvider,
  humans: number[],
): Promise<BenchDelegation[]> {
  const governance = new GovernanceClient(service.graphqlUrl, await idp.token(personEmail(0)));
  await governance.createIntent({
    name: 'analytics',
    description: 'Answer business questions',
    allowedTiers: ['DISCOVER', 'READ'],
    // Long runs (BENCH_SECONDS) outlast the default 10 minutes.
    maxTokenLifetimeSeconds: 3600,
  });
  const agent = await governance.registerAgent({
    name: 'Bench SQL agent',
    ownerEmail: personEmail(0),
    allowedIntents: ['analytics'],
    ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
  });
  const exchange = async (email: string, resource: Record<string, string>) => {
    const answer = await exchangeToken(service.origin, agent, {
      subject_token: await idp.subjectToken(email),
      intent: 'analytics',
      ...resource,
    });
    if (!answer.body.access_token)
      throw new Error(`token exchange for ${email}: ${JSON.stringify(answer.body)}`);
    return answer.body.access_token;
  };
  const delegations: BenchDelegation[] = [];
  for (const index of humans) {
    const email = personEmail(index);
    delegations.push({
      email,
      graphqlToken: await exchange(email, {}),
      mcpToken: await exchange(email, { resource: mcpResourceUrl(service.origin) }),
    });
  }
  return delegations;
}
