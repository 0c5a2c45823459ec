import {
  type ActorClaimInput,
  ActorClaimRefusal,
  actorSubject,
  type ExternalActor,
  shownClaim,
} from './actor-claims.ts';

/**
 * Microsoft Entra Agent ID facets (learn.microsoft.com/entra/agent-id/agent-token-claims):
 * `xms_act_fct` describes the actor (`azp` in v2 tokens, `appid` in v1: the agent identity's
 * application id), `xms_sub_fct` the subject, as space-separated odd numbers in no set order.
 * 11 is AgentIdentity, 13 AgentIDUser; Microsoft says to ignore values a resource does not use.
 */
const agentIdentityFacet = 11;
const agentUserFacet = 13;

/** Facet values are odd numbers; anything else is not an Entra facet claim. */
function facets(value: unknown, claim: string): number[] {
  if (value === undefined) return [];
  if (typeof value !== 'string' || value.length > 200 || !/^\s*\d{1,4}(\s+\d{1,4})*\s*$/.test(value)) {
    throw new ActorClaimRefusal(claim, `${claim} must hold space-separated facet numbers`);
  }
  const numbers = value.trim().split(/\s+/).map(Number);
  const bad = numbers.find((facet) => facet % 2 === 0);
  if (bad !== undefined) {
    throw new ActorClaimRefusal(
      claim,
      `${claim} holds ${bad}, which is not an Entra facet value (they are odd)`,
    );
  }
  return numbers;
}

/**
 * An Entra token for a person (`idtyp` `user`) may name one agent identity as its actor; a token
 * whose subject is itself an agent identity or an agent's user account (`xms_sub_fct` 11 or 13),
 * or an application (`idtyp` `app`), names no human and is refused.
 */
export function readEntraAgentFacets({ payload, issuer }: ActorClaimInput): ExternalActor[] {
  const actorFacets = facets(payload.xms_act_fct, 'xms_act_fct');
  const subjectFacets = facets(payload.xms_sub_fct, 'xms_sub_fct');
  if (payload.idtyp !== undefined && payload.idtyp !== 'user') {
    throw new ActorClaimRefusal(
      'idtyp',
      `idtyp is ${JSON.stringify(shownClaim(payload.idtyp, 40))}: the token's subject is an application, not a person`,
    );
  }
  if (subjectFacets.includes(agentIdentityFacet) || subjectFacets.includes(agentUserFacet)) {
    throw new ActorClaimRefusal(
      'xms_sub_fct',
      `xms_sub_fct says the subject is ${subjectFacets.includes(agentUserFacet) ? "an agent's user account" : 'an agent identity'}, not a person: agents act for people`,
    );
  }
  if (!actorFacets.includes(agentIdentityFacet)) return [];
  if (payload.azp !== undefined && payload.appid !== undefined && payload.azp !== payload.appid) {
    throw new ActorClaimRefusal('azp', 'azp and appid name different applications');
  }
  const claim = payload.azp !== undefined ? 'azp' : 'appid';
  const subject = actorSubject(payload[claim], claim);
  return [{ issuer, subject, claim }];
}
