import { agentIdentitiesOf } from '../../identity/state/identity-state.ts';
import type { AgentIdentity } from '../../identity/viewer.ts';
import type { GraphQLContext } from '../context.ts';

/** Agent ids of a stored chain (a request's, a grant's) as the agents they name now, outermost first. */
export async function agentChain(
  identity: GraphQLContext['identity'],
  chain: readonly string[],
): Promise<AgentIdentity[]> {
  return agentIdentitiesOf(await identity.state.snapshot(), chain);
}
