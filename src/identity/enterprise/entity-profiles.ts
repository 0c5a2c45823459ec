import { ActorClaimRefusal } from './actor-claims.ts';

/**
 * Entity profiles (draft-mora-oauth-entity-profiles, used by draft-mcguinness-oauth-actor-profile
 * and by Auth0 and Okta): `sub_profile` says what a subject or an actor is, as space-separated
 * values. The ones aperture understands are listed; any other is refused rather than guessed at.
 */
const knownProfiles = ['user', 'ai_agent', 'service', 'browser_app', 'native_app'] as const;

type EntityProfile = (typeof knownProfiles)[number];

/** Applications a person signs in through: they start a chain but are not agents. */
const clientProfiles: readonly EntityProfile[] = ['service', 'browser_app', 'native_app'];

/** The profile values of a `sub_profile` claim; absent: none. */
export function entityProfiles(value: unknown, claim: string): EntityProfile[] {
  if (value === undefined) return [];
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new ActorClaimRefusal(claim, `${claim} must be a short string of space-separated profiles`);
  }
  const values = value.trim().split(/\s+/);
  const unknown = values.find((profile) => !(knownProfiles as readonly string[]).includes(profile));
  if (unknown !== undefined) {
    throw new ActorClaimRefusal(
      claim,
      `${claim} has the unknown entity profile ${JSON.stringify(unknown.slice(0, 40))} (known: ${knownProfiles.join(', ')})`,
    );
  }
  return values as EntityProfile[];
}

/**
 * What an actor's `sub_profile` makes it: an agent (`ai_agent`, or no profile as in plain RFC 8693),
 * the application the chain started from (`service`, `browser_app`, `native_app`), or a person
 * (refused: a person is never a hop of an agent chain).
 */
export function actorKind(value: unknown, claim: string): 'agent' | 'client' {
  const profiles = entityProfiles(value, claim);
  if (profiles.length === 0 || profiles.includes('ai_agent')) return 'agent';
  if (profiles.includes('user')) {
    throw new ActorClaimRefusal(
      claim,
      `${claim} says the actor is a person: only agents may act in a delegation chain`,
    );
  }
  if (profiles.every((profile) => clientProfiles.includes(profile))) return 'client';
  return 'agent';
}

/** Refuses a token whose top-level `sub_profile` says its subject is not a person. */
export function refuseNonHumanSubject(payload: Readonly<Record<string, unknown>>): void {
  const profiles = entityProfiles(payload.sub_profile, 'sub_profile');
  if (profiles.length > 0 && !profiles.includes('user')) {
    throw new ActorClaimRefusal(
      'sub_profile',
      `sub_profile says the subject is ${profiles.join(' ')}, not a person: agents act for people, and a token whose subject is itself an agent or a service names no human`,
    );
  }
}
