import type { AgentStatus, Tier } from '../../../generated/prisma/enums.ts';
import type { ChangeFeed } from '../../db/change-feed.ts';
import { InvalidatedCache } from '../../db/invalidated-cache.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { type CapabilityCeiling, capabilityCeilingSchema } from '../agents/capability-ceiling.ts';
import { humanIdentityInclude, humanIdentityOf } from '../humans/human-identity.ts';
import type { AgentIdentity, HumanIdentity } from '../viewer.ts';

export interface AgentState {
  id: string;
  clientId: string;
  name: string;
  status: AgentStatus;
  parentId: string | null;
  allowedIntents: string[];
  maxDelegationDepth: number;
  ceiling: CapabilityCeiling;
}

export interface IntentState {
  name: string;
  description: string;
  allowedTiers: Tier[];
  allowedTags: string[];
  maxTokenLifetimeSeconds: number;
}

export interface PersonState extends HumanIdentity {
  active: boolean;
}

export interface CredentialState {
  id: string;
  secretHash: string;
  expiresAt: Date | null;
}

export interface IdentitySnapshot {
  agentsById: ReadonlyMap<string, AgentState>;
  /** Usable (not revoked) client secrets by agent id; expiry is checked at use. */
  credentialsByAgentId: ReadonlyMap<string, readonly CredentialState[]>;
  agentsByClientId: ReadonlyMap<string, AgentState>;
  /** Agents by how enterprise identity providers name them: key `externalIdentityKey(issuer, subject)`. */
  agentsByExternalIdentity: ReadonlyMap<string, AgentState>;
  intents: ReadonlyMap<string, IntentState>;
  /** Revoked delegation tokens that have not expired yet. */
  revokedTokenIds: ReadonlySet<string>;
}

/** Agent ids of a stored chain as the agents they name now (an id no longer known stands for itself). */
export function agentIdentitiesOf(snapshot: IdentitySnapshot, ids: readonly string[]): AgentIdentity[] {
  return ids.map((id) => {
    const agent = snapshot.agentsById.get(id);
    return { id, clientId: agent?.clientId ?? id, name: agent?.name ?? id };
  });
}

/** The key of `agentsByExternalIdentity`: an (issuer, subject) pair. */
export function externalIdentityKey(issuer: string, subject: string): string {
  return `${issuer}\u0000${subject}`;
}

export type PersonKey = { id: string } | { email: string } | { subject: string };

/**
 * The identity state every call is checked against (agents and their status, intents, revoked
 * tokens, people), read from the database and kept in memory until a change notification from
 * any replica says otherwise. While the change feed is down nothing is cached: every call reads
 * the database. This is what lets per-call checks cost microseconds without outliving a change.
 */
export class IdentityState {
  private readonly snapshots: InvalidatedCache<IdentitySnapshot>;
  private readonly people = new Map<string, Promise<PersonState | null>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly feed: ChangeFeed,
  ) {
    this.snapshots = new InvalidatedCache(feed, ['identity'], () => this.loadSnapshot());
    this.unsubscribe = feed.subscribe((topic) => {
      if (topic === undefined || topic === 'people' || topic === 'identity') this.people.clear();
    });
  }

  /** Forget everything; the next call reads the database. Writers call it after their commit. */
  invalidate(): void {
    this.snapshots.invalidate();
    this.people.clear();
  }

  close(): void {
    this.snapshots.close();
    this.unsubscribe();
  }

  snapshot(): Promise<IdentitySnapshot> {
    return this.snapshots.get();
  }

  person(key: PersonKey): Promise<PersonState | null> {
    if (!this.feed.reliable) return this.loadPerson(key);
    const cacheKey = JSON.stringify(key);
    let entry = this.people.get(cacheKey);
    if (!entry) {
      entry = this.loadPerson(key);
      if (this.people.size > 50_000) this.people.clear();
      this.people.set(cacheKey, entry);
      entry.catch(() => this.people.delete(cacheKey));
    }
    return entry;
  }

  private async loadSnapshot(): Promise<IdentitySnapshot> {
    const [agents, credentials, intents, revoked, externalIdentities] = await Promise.all([
      this.prisma.agent.findMany(),
      this.prisma.agentCredential.findMany({
        where: { revokedAt: null },
        select: { id: true, agentId: true, secretHash: true, expiresAt: true },
      }),
      this.prisma.intent.findMany(),
      this.prisma.delegationToken.findMany({
        where: { revokedAt: { not: null }, expiresAt: { gt: new Date() } },
        select: { jti: true },
      }),
      this.prisma.agentExternalIdentity.findMany({ select: { issuer: true, subject: true, agentId: true } }),
    ]);
    const agentStates = agents.map(
      (agent): AgentState => ({
        id: agent.id,
        clientId: agent.clientId,
        name: agent.name,
        status: agent.status,
        parentId: agent.parentId,
        allowedIntents: agent.allowedIntents,
        maxDelegationDepth: agent.maxDelegationDepth,
        ceiling: capabilityCeilingSchema.parse(agent.ceiling),
      }),
    );
    const credentialsByAgentId = new Map<string, CredentialState[]>();
    for (const { agentId, ...credential } of credentials) {
      credentialsByAgentId.set(agentId, [...(credentialsByAgentId.get(agentId) ?? []), credential]);
    }
    const agentsById = new Map(agentStates.map((agent) => [agent.id, agent]));
    const agentsByExternalIdentity = new Map<string, AgentState>();
    for (const { issuer, subject, agentId } of externalIdentities) {
      const agent = agentsById.get(agentId);
      if (agent) agentsByExternalIdentity.set(externalIdentityKey(issuer, subject), agent);
    }
    return {
      agentsById,
      credentialsByAgentId,
      agentsByClientId: new Map(agentStates.map((agent) => [agent.clientId, agent])),
      agentsByExternalIdentity,
      intents: new Map(intents.map((intent) => [intent.name, intent])),
      revokedTokenIds: new Set(revoked.map((token) => token.jti)),
    };
  }

  private async loadPerson(key: PersonKey): Promise<PersonState | null> {
    const where =
      'id' in key
        ? { id: key.id }
        : 'email' in key
          ? { email: key.email.toLowerCase() }
          : { subject: key.subject };
    const person = await this.prisma.person.findUnique({ where, include: humanIdentityInclude });
    if (!person) return null;
    return { ...humanIdentityOf(person), active: person.active };
  }
}
