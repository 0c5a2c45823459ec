import {
  type ActorClaimInput,
  ActorClaimRefusal,
  actorObject,
  actorSubject,
  type ExternalActor,
  shownClaim,
} from './actor-claims.ts';
import { actorKind } from './entity-profiles.ts';
import { agentsOnly } from './read-actor-profile.ts';

/**
 * Okta's agent tokens (Okta for AI Agents, Cross App Access): `act` names the immediate actor
 * alone (no nesting), `delegated_through` lists the earlier hops, `origin` the client the flow
 * started from. Each entry has `sub` and `sub_profile` (`ai_agent`, `service`, ...).
 * `delegated_through` is read oldest first; its first entry may be the originating client (a
 * `service`), which is not an agent. Returns the agents from the oldest hop to the current actor.
 */
export function readOktaActors({ payload, issuer, maxDepth }: ActorClaimInput): ExternalActor[] {
  const act = actorObject(payload.act, 'act');
  if (act.act !== undefined) {
    throw new ActorClaimRefusal(
      'act.act',
      'the token has both delegated_through and a nested act.act: one delegation chain, one shape',
    );
  }
  const through = payload.delegated_through ?? [];
  if (!Array.isArray(through)) {
    throw new ActorClaimRefusal('delegated_through', 'delegated_through must be a JSON array');
  }
  if (through.length > maxDepth) {
    throw new ActorClaimRefusal(
      'delegated_through',
      `delegated_through lists more hops than aperture's maximum delegation depth (${maxDepth})`,
    );
  }
  if (payload.origin !== undefined) {
    const origin = actorObject(payload.origin, 'origin');
    actorSubject(origin.sub, 'origin.sub');
  }
  const entries = [
    ...through.map((entry, index) => ({ entry, path: `delegated_through[${index}]` })),
    { entry: act, path: 'act' },
  ];
  return agentsOnly(
    entries.map(({ entry, path }) => {
      const hop = actorObject(entry, path);
      if (hop.iss !== undefined && hop.iss !== issuer) {
        throw new ActorClaimRefusal(
          `${path}.iss`,
          `${path}.iss names the issuer ${shownClaim(hop.iss)}, but the token comes from ${issuer}: an identity provider may only name its own agents`,
        );
      }
      const subject = actorSubject(hop.sub, `${path}.sub`);
      const kind = actorKind(hop.sub_profile, `${path}.sub_profile`);
      if (path === 'act' && kind !== 'agent') {
        throw new ActorClaimRefusal(
          'act.sub_profile',
          'act.sub_profile says the immediate actor is not an AI agent',
        );
      }
      return { actor: { issuer, subject, claim: `${path}.sub` }, kind };
    }),
  );
}
