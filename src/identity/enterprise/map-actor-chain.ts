import { externalIdentityKey, type IdentitySnapshot } from '../state/identity-state.ts';
import { ActorClaimRefusal, type ExternalActor } from './actor-claims.ts';

/** How long a subject may be in a message before it is shortened. */
const shownSubjectLength = 40;

function shown(subject: string): string {
  return subject.length > shownSubjectLength ? `${subject.slice(0, shownSubjectLength)}…` : subject;
}

/**
 * The registered agents (ids, in chain order) that the enterprise actors name, by their
 * (issuer, subject) external identities. An actor no agent is registered under is refused with a
 * message naming the claim that named it. Whether the agents form a parent→child chain, are active
 * and may use the intent is checkDelegationState's to say. Pure.
 */
export function mapActorChain(snapshot: IdentitySnapshot, actors: readonly ExternalActor[]): string[] {
  return actors.map((actor) => {
    const agent = snapshot.agentsByExternalIdentity.get(externalIdentityKey(actor.issuer, actor.subject));
    if (!agent) {
      throw new ActorClaimRefusal(
        actor.claim,
        `${actor.claim} names ${shown(actor.subject)} (issuer ${actor.issuer}), which is not a registered agent: register it with externalIdentities`,
      );
    }
    return agent.id;
  });
}

/** Refuses a token whose subject is itself registered as an agent: it names no human. */
export function refuseAgentSubject(snapshot: IdentitySnapshot, issuer: string, subject: unknown): void {
  if (typeof subject !== 'string') return;
  const agent = snapshot.agentsByExternalIdentity.get(externalIdentityKey(issuer, subject));
  if (agent) {
    throw new ActorClaimRefusal(
      'sub',
      `sub names agent ${agent.name}, not a person: agents act for people, and a token whose subject is itself an agent names no human`,
    );
  }
}
