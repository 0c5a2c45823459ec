/**
 * What the readers of enterprise actor claims return. Okta, Auth0 and Microsoft Entra Agent ID
 * each name the agents acting for a person in their own claims; a reader turns one shape into the
 * same ordered list, which map-actor-chain.ts maps to aperture's registered agents.
 */

/** One actor as the token names it. */
export interface ExternalActor {
  /** The namespace the subject belongs to: the issuer of the token that named it. */
  issuer: string;
  subject: string;
  /** Where in the token it was named (`act.sub`, `delegated_through[0].sub`, `azp`), for messages. */
  claim: string;
}

/**
 * The agents a token says act for its subject, from the one acting for the person directly to the
 * current actor (aperture's chain order: parent before child). Empty: the token names no agent.
 */
export interface ActorChain {
  /** Which vendor shape named them: `actor-profile` (RFC 8693 `act`, Auth0), `okta`, `entra`. */
  shape: ActorClaimShape | 'none';
  actors: ExternalActor[];
}

export type ActorClaimShape = 'actor-profile' | 'okta' | 'entra';

/** A malformed, hostile or unsupported actor claim: the token is refused with this message. */
export class ActorClaimRefusal extends Error {
  constructor(
    /** The claim at fault (`act.act.sub`, `xms_act_fct`), for the log. */
    readonly claim: string,
    message: string,
  ) {
    super(message);
    this.name = 'ActorClaimRefusal';
  }
}

/** What a reader sees: the verified token's payload and its issuer. */
export interface ActorClaimInput {
  payload: Readonly<Record<string, unknown>>;
  issuer: string;
  /** aperture's maximum delegation depth: no more actors than this. */
  maxDepth: number;
}

/** Claims the readers look at; verifiers keep these from a payload (never the whole token). */
export const actorClaimNames = [
  'sub',
  'sub_profile',
  'client_profile',
  'act',
  'delegated_through',
  'origin',
  'idtyp',
  'azp',
  'appid',
  'xms_act_fct',
  'xms_sub_fct',
] as const;

/** Longest subject accepted in an actor claim (Okta, Auth0 and Entra ids are far shorter). */
export const maxActorSubjectLength = 255;

/** The actor claims of one token, serialized, may not be larger than this. */
export const maxActorClaimsBytes = 8 * 1024;

/** A string claim of bounded length, or a refusal naming it. */
export function actorSubject(value: unknown, claim: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ActorClaimRefusal(claim, `${claim} must be a non-empty string`);
  }
  if (value.length > maxActorSubjectLength) {
    throw new ActorClaimRefusal(claim, `${claim} is longer than ${maxActorSubjectLength} characters`);
  }
  return value;
}

/** A JSON object (not an array, not null), or a refusal naming the claim. */
export function actorObject(value: unknown, claim: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ActorClaimRefusal(claim, `${claim} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Refuses a chain that names the same actor twice (a loop, or a replayed hop). */
export function refuseRepeatedActors(actors: readonly ExternalActor[]): void {
  const seen = new Map<string, ExternalActor>();
  for (const actor of actors) {
    const key = `${actor.issuer}\u0000${actor.subject}`;
    const earlier = seen.get(key);
    if (earlier) {
      throw new ActorClaimRefusal(
        actor.claim,
        `${actor.claim} and ${earlier.claim} both name ${actor.subject}: a delegation chain cannot pass through the same agent twice`,
      );
    }
    seen.set(key, actor);
  }
}

/** A claim's value for a refusal message: never longer than `max`, whatever its JSON type. */
export function shownClaim(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
  return text.slice(0, max);
}
