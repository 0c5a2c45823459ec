import {
  type ActorClaimInput,
  ActorClaimRefusal,
  actorObject,
  actorSubject,
  type ExternalActor,
  refuseRepeatedActors,
  shownClaim,
} from './actor-claims.ts';
import { actorKind } from './entity-profiles.ts';

/**
 * RFC 8693 §4.1 `act` as the OAuth actor profile (draft-mcguinness-oauth-actor-profile) and Auth0
 * shape it: the current actor at the top, earlier actors nested inside, each with `sub`, optionally
 * `iss` and `sub_profile`. Auth0's on-behalf-of exchange nests, innermost, the application the
 * person signed in through (`sub_profile` `browser_app`): it starts the chain and is not an agent.
 * Returns the agents from the innermost (acting for the person) to the current actor.
 */
export function readActorProfileActors({ payload, issuer, maxDepth }: ActorClaimInput): ExternalActor[] {
  const outermostFirst: { actor: ExternalActor; kind: 'agent' | 'client' }[] = [];
  let node: unknown = payload.act;
  let path = 'act';
  // Iterative, bounded: a hostile token cannot make the reader recurse without end.
  while (node !== undefined) {
    if (outermostFirst.length > maxDepth) {
      throw new ActorClaimRefusal(
        path,
        `act is nested deeper than aperture's maximum delegation depth (${maxDepth})`,
      );
    }
    const act = actorObject(node, path);
    const subject = actorSubject(act.sub, `${path}.sub`);
    if (act.iss !== undefined && act.iss !== issuer) {
      throw new ActorClaimRefusal(
        `${path}.iss`,
        `${path}.iss names the issuer ${shownClaim(act.iss)}, but the token comes from ${issuer}: an identity provider may only name its own agents`,
      );
    }
    const kind = actorKind(act.sub_profile, `${path}.sub_profile`);
    outermostFirst.push({ actor: { issuer, subject, claim: `${path}.sub` }, kind });
    node = act.act;
    path = `${path}.act`;
  }
  return agentsOnly(outermostFirst.reverse());
}

/**
 * The agents of a chain given innermost first. The application a person signed in through may
 * start it (and is dropped); anywhere else, a non-agent between agents is refused.
 */
export function agentsOnly(
  innermostFirst: { actor: ExternalActor; kind: 'agent' | 'client' }[],
): ExternalActor[] {
  const agents: ExternalActor[] = [];
  for (const [index, { actor, kind }] of innermostFirst.entries()) {
    if (kind === 'agent') agents.push(actor);
    else if (index !== 0) {
      throw new ActorClaimRefusal(
        actor.claim,
        `${actor.claim} names an application, not an agent, in the middle of the delegation chain`,
      );
    }
  }
  refuseRepeatedActors(agents);
  return agents;
}
