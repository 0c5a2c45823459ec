import { ActorClaimRefusal } from '../enterprise/actor-claims.ts';
import { mapActorChain, refuseAgentSubject } from '../enterprise/map-actor-chain.ts';
import { readActorClaims } from '../enterprise/read-actor-claims.ts';
import type { VerifiedHumanToken } from '../humans/human-token-verifier.ts';
import type { AgentState, IdentitySnapshot } from '../state/identity-state.ts';
import { OAuthError } from './oauth-error.ts';

/**
 * The agent chain a person's token from an enterprise identity provider names (Okta's, Auth0's or
 * Entra's actor claims), leading to the authenticated client: the client is the chain's last agent,
 * or a registered sub-agent of it. Null when the token names no agent. Refusals are invalid_grant.
 */
export function enterpriseChain(
  snapshot: IdentitySnapshot,
  maxDepth: number,
  token: Pick<VerifiedHumanToken, 'issuer' | 'actorClaims'>,
  client: AgentState,
): string[] | null {
  let chain: string[];
  try {
    refuseAgentSubject(snapshot, token.issuer, token.actorClaims.sub);
    const { actors } = readActorClaims({ payload: token.actorClaims, issuer: token.issuer, maxDepth });
    chain = mapActorChain(snapshot, actors);
  } catch (error) {
    if (error instanceof ActorClaimRefusal) throw new OAuthError('invalid_grant', error.message);
    throw error;
  }
  if (chain.length === 0) return null;
  const last = chain.at(-1)!;
  if (last === client.id) return chain;
  if (client.parentId === last) return [...chain, client.id];
  const named = snapshot.agentsById.get(last)?.name ?? last;
  throw new OAuthError(
    'invalid_grant',
    `the token's actor claims name agent ${named} as the acting agent, and agent ${client.name} is neither it nor its registered sub-agent`,
  );
}
