import {
  type ActorChain,
  type ActorClaimInput,
  ActorClaimRefusal,
  type ActorClaimShape,
  maxActorClaimsBytes,
} from './actor-claims.ts';
import { refuseNonHumanSubject } from './entity-profiles.ts';
import { readActorProfileActors } from './read-actor-profile.ts';
import { readEntraAgentFacets } from './read-entra-agent-facets.ts';
import { readOktaActors } from './read-okta-actors.ts';

const readers: Record<ActorClaimShape, (input: ActorClaimInput) => ActorChain['actors']> = {
  'actor-profile': readActorProfileActors,
  okta: readOktaActors,
  entra: readEntraAgentFacets,
};

/**
 * Which vendor shape a token's actor claims are in: Entra's facets (`xms_act_fct`, `xms_sub_fct`,
 * `idtyp`), Okta's `delegated_through`/`origin` beside `act`, or a plain (possibly nested) `act`.
 * A token mixing Entra facets with `act` is refused: one chain must not be read two ways.
 */
export function actorClaimShape(payload: Readonly<Record<string, unknown>>): ActorClaimShape | 'none' {
  const entra = ['xms_act_fct', 'xms_sub_fct', 'idtyp'].some((claim) => payload[claim] !== undefined);
  const okta = payload.delegated_through !== undefined || payload.origin !== undefined;
  const act = payload.act !== undefined;
  if (entra && (act || okta)) {
    throw new ActorClaimRefusal(
      'act',
      'the token carries both Entra agent facets and act claims: one delegation chain, one shape',
    );
  }
  if (entra) return 'entra';
  if (okta) {
    if (!act)
      throw new ActorClaimRefusal('act', 'delegated_through without act: the immediate actor is missing');
    return 'okta';
  }
  return act ? 'actor-profile' : 'none';
}

/**
 * The agents a verified token names as acting for its subject, in aperture's chain order, or an
 * ActorClaimRefusal for a malformed, oversized, too deep, looping or non-human shape. Pure.
 */
export function readActorClaims(input: ActorClaimInput): ActorChain {
  const { payload, maxDepth } = input;
  if (exceedsSize([payload.act, payload.delegated_through, payload.origin], maxActorClaimsBytes)) {
    throw new ActorClaimRefusal('act', `the actor claims are larger than ${maxActorClaimsBytes} bytes`);
  }
  refuseNonHumanSubject(payload);
  const shape = actorClaimShape(payload);
  if (shape === 'none') return { shape, actors: [] };
  const actors = readers[shape](input);
  if (actors.length > maxDepth) {
    throw new ActorClaimRefusal(
      actors.at(-1)!.claim,
      `the actor claims name ${actors.length} agents, more than aperture's maximum delegation depth (${maxDepth})`,
    );
  }
  return { shape, actors };
}

/**
 * Whether a JSON value is larger than `limit` (counting its strings, keys and some punctuation),
 * walked without recursion and stopping early: a hostile nesting neither overflows the stack nor
 * costs more than the limit.
 */
function exceedsSize(value: unknown, limit: number): boolean {
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    size += 2;
    if (typeof next === 'string') size += next.length;
    else if (Array.isArray(next)) pending.push(...next);
    else if (typeof next === 'object' && next !== null) {
      for (const [key, item] of Object.entries(next)) {
        size += key.length;
        pending.push(item);
      }
    }
    if (size > limit) return true;
  }
  return false;
}
