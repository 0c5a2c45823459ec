import type { AgentIdentity } from '../../identity/viewer.ts';
import type { GraphQLContext } from '../context.ts';

/** Agent ids of a stored chain (a request's, a grant's) as the agents they name now, outermost first. */
export async function agentChain(
  identity: GraphQLContext['identity'],
  chain: readonly string[],
): Promise<AgentIdentity[]> {
  const snapshot = await identity.state.snapshot();
  return chain.map((id) => {
    const agent = snapshot.agentsById.get(id);
    return { id, clientId: agent?.clientId ?? id, name: agent?.name ?? id };
  });
}
