import { ActorClaimRefusal } from '../enterprise/actor-claims.ts';
import { mapActorChain, refuseAgentSubject } from '../enterprise/map-actor-chain.ts';
import { readActorClaims } from '../enterprise/read-actor-claims.ts';
import type { VerifiedHumanToken } from '../humans/human-token-verifier.ts';
import type { AgentState, IdentitySnapshot } from '../state/identity-state.ts';
import { OAuthError } from './oauth-error.ts';

/**
 * The agent chain a person's token from an enterprise identity provider names (Okta's, Auth0's or
 * Entra's actor claims), which must end with the authenticated client. Null when the token names
 * no agent. Refusals are invalid_grant.
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
  if (chain.at(-1) === client.id) return chain;
  // A sub-agent acting below the agent a provider named exchanges that agent's delegation token,
  // so that it inherits its intent and task and is revoked with it; it never starts over from the
  // person's token. Which agent the claims named is not said: the caller may not know of it.
  throw new OAuthError(
    'invalid_grant',
    `the token's actor claims do not name agent ${client.name} as the acting agent: only the agent they name exchanges it (a sub-agent exchanges its parent's delegation token)`,
  );
}
