import type { AgentState, IdentitySnapshot } from '../state/identity-state.ts';

export type DelegationProblemKind =
  | 'unknown_agent'
  | 'inactive_agent'
  | 'not_a_child'
  | 'too_deep'
  | 'intent_not_allowed'
  | 'unknown_intent';

export interface DelegationProblem {
  kind: DelegationProblemKind;
  message: string;
}

/**
 * Checks a delegation (a chain of agent ids acting for a human under an intent) against the
 * current state: every agent exists and is active, each hop is registered as the child of the
 * previous one (the first has no parent), the depth is within the global limit and within every
 * hop's own limit, the intent exists and every hop may use it. Pure.
 */
export function checkDelegationState(
  snapshot: IdentitySnapshot,
  chain: readonly string[],
  intent: string,
  maxDepth: number,
): { agents: AgentState[]; problem: DelegationProblem | null } {
  const agents: AgentState[] = [];
  const fail = (kind: DelegationProblemKind, message: string) => ({ agents, problem: { kind, message } });
  if (chain.length === 0) return fail('unknown_agent', 'the delegation names no agent');
  if (chain.length > maxDepth)
    return fail('too_deep', `the delegation chain would be deeper than ${maxDepth}`);
  for (const [index, id] of chain.entries()) {
    const agent = snapshot.agentsById.get(id);
    if (!agent) return fail('unknown_agent', 'an agent of the delegation chain does not exist');
    if (agent.status !== 'ACTIVE')
      return fail('inactive_agent', `agent ${agent.name} is ${agent.status.toLowerCase()}`);
    const expectedParent = index === 0 ? null : chain[index - 1]!;
    if (agent.parentId !== expectedParent) {
      return fail(
        'not_a_child',
        expectedParent === null
          ? `agent ${agent.name} is a sub-agent and must act through its parent`
          : `agent ${agent.name} is not registered as a sub-agent of the presenting agent`,
      );
    }
    const levelsBelow = chain.length - 1 - index;
    if (levelsBelow > agent.maxDelegationDepth) {
      return fail(
        'too_deep',
        `agent ${agent.name} may delegate at most ${agent.maxDelegationDepth} level(s) deep`,
      );
    }
    agents.push(agent);
  }
  if (!snapshot.intents.has(intent)) return fail('unknown_intent', `intent ${intent} does not exist`);
  const refusing = agents.find((agent) => !agent.allowedIntents.includes(intent));
  if (refusing) return fail('intent_not_allowed', `agent ${refusing.name} may not act for intent ${intent}`);
  return { agents, problem: null };
}
