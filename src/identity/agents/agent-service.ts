import { randomUUID } from 'node:crypto';
import type { Agent, AgentStatus, Prisma } from '../../../generated/prisma/client.ts';
import { appendAuditEvent } from '../../audit/index.ts';
import { notifyChange } from '../../db/change-feed.ts';
import { byNamePage, type KeysetPage } from '../../db/keyset-page.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { ApertureError, InvalidInputError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';
import { requireGovernance } from '../governance.ts';
import type { IdentityState } from '../state/identity-state.ts';
import { type Viewer, viewerAuditActor } from '../viewer.ts';
import {
  type RegisterAgentInput,
  type RotateSecretInput,
  registerAgentSchema,
  rotateSecretSchema,
  type UpdateAgentInput,
  updateAgentSchema,
} from './agent-input.ts';

import { generateClientId, generateClientSecret, hashClientSecret } from './client-secret.ts';

/**
 * Ends what a suspended or retired agent holds outside identity (its grants, its pending requests),
 * in the transaction that changes its status; wired at start, so identity imports no requests code.
 */
export type AgentStoppedHandler = (
  tx: Prisma.TransactionClient,
  agentId: string,
  by: string,
) => Promise<unknown>;

export interface AgentServiceDeps {
  prisma: PrismaClient;
  state: IdentityState;
  governanceGroup: string;
  onAgentStopped: AgentStoppedHandler;
  /**
   * Runs after a stop commits and before it answers: what outlives the transaction (a vended
   * database login) ends before the caller is told the agent is stopped.
   */
  afterRevocation?: () => Promise<void>;
}

/** An agent and the secret to show once. */
export interface AgentWithSecret {
  agent: Agent;
  clientSecret: string;
}

const statusChanges: Record<
  'suspend' | 'reactivate' | 'retire',
  { from: AgentStatus[]; to: AgentStatus; event: string }
> = {
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED', event: 'agent.suspended' },
  reactivate: { from: ['SUSPENDED'], to: 'ACTIVE', event: 'agent.reactivated' },
  retire: { from: ['ACTIVE', 'SUSPENDED'], to: 'RETIRED', event: 'agent.retired' },
};

/**
 * Governance of agents: registration, secret rotation, suspension and retirement. Status changes
 * are conditional updates (no lost transition under concurrency) and act on the next call of
 * every token the agent, or any of its sub-agents, holds.
 */
export class AgentService {
  constructor(private readonly deps: AgentServiceDeps) {}

  /** A page of every agent, by name. */
  list(page: KeysetPage): Promise<Agent[]> {
    const { where, orderBy, take } = byNamePage(page);
    return this.deps.prisma.agent.findMany({ where, orderBy, take });
  }

  count(): Promise<number> {
    return this.deps.prisma.agent.count();
  }

  byId(id: string): Promise<Agent | null> {
    return this.deps.prisma.agent.findUnique({ where: { id } });
  }

  byClientId(clientId: string): Promise<Agent | null> {
    return this.deps.prisma.agent.findUnique({ where: { clientId } });
  }

  async register(viewer: Viewer, input: RegisterAgentInput): Promise<AgentWithSecret> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const data = validateInput(registerAgentSchema, input, 'agent');
    const clientSecret = generateClientSecret();
    const secretHash = await hashClientSecret(clientSecret);
    const agent = await this.write(async (tx) => {
      const owner = await tx.person.findUnique({ where: { email: data.ownerEmail } });
      if (!owner?.active) throw invalid('ownerEmail', `${data.ownerEmail} is not an active person`);
      const parent = data.parentClientId
        ? await tx.agent.findUnique({ where: { clientId: data.parentClientId } })
        : null;
      if (data.parentClientId && !parent)
        throw invalid('parentClientId', `no agent has client id ${data.parentClientId}`);
      if (parent?.status === 'RETIRED')
        throw new ApertureError('CONFLICT', `parent agent ${parent.name} is retired`);
      await requireIntents(tx, data.allowedIntents);
      if (await tx.agent.findUnique({ where: { name: data.name } })) {
        throw new ApertureError('CONFLICT', `an agent named ${data.name} already exists`);
      }
      await requireUnlinked(tx, data.externalIdentities, null);
      const created = await tx.agent.create({
        data: {
          id: randomUUID(),
          clientId: generateClientId(),
          name: data.name,
          description: data.description ?? null,
          ownerId: owner.id,
          parentId: parent?.id ?? null,
          ceiling: data.ceiling as Prisma.InputJsonObject,
          allowedIntents: [...new Set(data.allowedIntents)],
          maxDelegationDepth: data.maxDelegationDepth,
          credentials: {
            create: { id: randomUUID(), secretHash, expiresAt: data.credentialExpiresAt ?? null },
          },
          externalIdentities: { create: data.externalIdentities },
        },
      });
      await appendAuditEvent(tx, {
        type: 'agent.registered',
        actor: viewerAuditActor(actor),
        subject: { kind: 'agent', id: created.id },
        payload: {
          clientId: created.clientId,
          name: created.name,
          owner: owner.email,
          parentClientId: parent?.clientId ?? null,
          ceiling: data.ceiling,
          allowedIntents: created.allowedIntents,
          maxDelegationDepth: created.maxDelegationDepth,
          externalIdentities: data.externalIdentities,
        },
      });
      return created;
    });
    return { agent, clientSecret };
  }

  /**
   * Changes an agent's description, ceiling, intents or delegation depth. Narrowing acts on the
   * next call of every token it holds (intents and depth are checked per call).
   */
  async update(viewer: Viewer, clientId: string, input: UpdateAgentInput): Promise<Agent> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const data = validateInput(updateAgentSchema, input, 'agent');
    return this.write(async (tx) => {
      const existing = await this.existing(tx, clientId);
      if (existing.status === 'RETIRED')
        throw new ApertureError('CONFLICT', `agent ${existing.name} is retired`);
      if (data.allowedIntents) await requireIntents(tx, data.allowedIntents);
      if (data.externalIdentities) {
        await requireUnlinked(tx, data.externalIdentities, existing.id);
        await tx.agentExternalIdentity.deleteMany({ where: { agentId: existing.id } });
        await tx.agentExternalIdentity.createMany({
          data: data.externalIdentities.map((pair) => ({ ...pair, agentId: existing.id })),
        });
      }
      const updated = await tx.agent.update({
        where: { id: existing.id },
        data: {
          ...(data.description !== undefined ? { description: data.description ?? null } : {}),
          ...(data.ceiling ? { ceiling: data.ceiling as Prisma.InputJsonObject } : {}),
          ...(data.allowedIntents ? { allowedIntents: [...new Set(data.allowedIntents)] } : {}),
          ...(data.maxDelegationDepth !== undefined ? { maxDelegationDepth: data.maxDelegationDepth } : {}),
        },
      });
      await appendAuditEvent(tx, {
        type: 'agent.updated',
        actor: viewerAuditActor(actor),
        subject: { kind: 'agent', id: existing.id },
        payload: { clientId, changes: data },
      });
      return updated;
    });
  }

  /** Issues a new secret and revokes the old ones at once. */
  async rotateSecret(
    viewer: Viewer,
    clientId: string,
    input: RotateSecretInput = {},
  ): Promise<AgentWithSecret> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const data = validateInput(rotateSecretSchema, input, 'rotation');
    const clientSecret = generateClientSecret();
    const secretHash = await hashClientSecret(clientSecret);
    const agent = await this.write(async (tx) => {
      const existing = await this.existing(tx, clientId);
      if (existing.status === 'RETIRED')
        throw new ApertureError('CONFLICT', `agent ${existing.name} is retired`);
      await tx.agentCredential.updateMany({
        where: { agentId: existing.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      await tx.agentCredential.create({
        data: {
          id: randomUUID(),
          agentId: existing.id,
          secretHash,
          expiresAt: data.credentialExpiresAt ?? null,
        },
      });
      await appendAuditEvent(tx, {
        type: 'agent.secret_rotated',
        actor: viewerAuditActor(actor),
        subject: { kind: 'agent', id: existing.id },
        payload: { clientId, expiresAt: data.credentialExpiresAt ?? null },
      });
      return existing;
    });
    return { agent, clientSecret };
  }

  async suspend(viewer: Viewer, clientId: string, reason?: string | null) {
    const agent = await this.changeStatus(viewer, clientId, 'suspend', reason);
    await this.deps.afterRevocation?.();
    return agent;
  }

  reactivate(viewer: Viewer, clientId: string, reason?: string | null) {
    return this.changeStatus(viewer, clientId, 'reactivate', reason);
  }

  /** Terminal: the agent's credentials are revoked too. */
  async retire(viewer: Viewer, clientId: string, reason?: string | null) {
    const agent = await this.changeStatus(viewer, clientId, 'retire', reason);
    await this.deps.afterRevocation?.();
    return agent;
  }

  private async changeStatus(
    viewer: Viewer,
    clientId: string,
    change: keyof typeof statusChanges,
    reason?: string | null,
  ) {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const { from, to, event } = statusChanges[change];
    return this.write(async (tx) => {
      const existing = await this.existing(tx, clientId);
      const changedAt = new Date();
      const { count } = await tx.agent.updateMany({
        where: { id: existing.id, status: { in: from } },
        data: { status: to, statusChangedAt: changedAt },
      });
      if (count === 0) {
        const current = await tx.agent.findUniqueOrThrow({ where: { id: existing.id } });
        throw new ApertureError(
          'CONFLICT',
          `agent ${existing.name} is ${current.status.toLowerCase()}: cannot ${change} it`,
        );
      }
      if (to === 'SUSPENDED' || to === 'RETIRED') {
        // Zero standing privileges: its grants (and those of chains through it) end with it.
        await this.deps.onAgentStopped(tx, existing.id, `agent:${existing.id}:${to.toLowerCase()}`);
      }
      if (to === 'RETIRED') {
        await tx.agentCredential.updateMany({
          where: { agentId: existing.id, revokedAt: null },
          data: { revokedAt: changedAt },
        });
        // Retired for good: the names providers gave it are free for the agent that replaces it.
        await tx.agentExternalIdentity.deleteMany({ where: { agentId: existing.id } });
      }
      await appendAuditEvent(tx, {
        type: event,
        actor: viewerAuditActor(actor),
        subject: { kind: 'agent', id: existing.id },
        payload: { clientId, from: existing.status, to, reason: reason ?? null },
      });
      return tx.agent.findUniqueOrThrow({ where: { id: existing.id } });
    });
  }

  private async existing(tx: Prisma.TransactionClient, clientId: string): Promise<Agent> {
    const agent = await tx.agent.findUnique({ where: { clientId } });
    if (!agent) throw new ApertureError('NOT_FOUND', `no agent has client id ${clientId}`);
    return agent;
  }

  private async write<T>(change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    const result = await this.deps.prisma
      .$transaction(async (tx) => {
        const value = await change(tx);
        await notifyChange(tx, 'identity');
        return value;
      })
      .catch((error: unknown) => {
        // A concurrent write took the same name or external identity between our check and insert.
        if ((error as { code?: unknown } | null)?.code === 'P2002') {
          throw new ApertureError(
            'CONFLICT',
            'another agent was just given the same name or external identity: read the agents again',
          );
        }
        throw error;
      });
    this.deps.state.invalidate();
    return result;
  }
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError('agent', [{ location: field, message }]);
}

/** Each (issuer, subject) pair names one agent: one linked to another agent is a CONFLICT. */
async function requireUnlinked(
  tx: Prisma.TransactionClient,
  pairs: readonly { issuer: string; subject: string }[],
  agentId: string | null,
): Promise<void> {
  if (pairs.length === 0) return;
  const taken = await tx.agentExternalIdentity.findFirst({
    where: {
      OR: pairs.map((pair) => ({ issuer: pair.issuer, subject: pair.subject })),
      ...(agentId ? { agentId: { not: agentId } } : {}),
    },
    include: { agent: { select: { name: true } } },
  });
  if (taken) {
    throw new ApertureError(
      'CONFLICT',
      `the external identity ${taken.subject} (issuer ${taken.issuer}) already names agent ${taken.agent.name}`,
    );
  }
}

async function requireIntents(tx: Prisma.TransactionClient, names: string[]): Promise<void> {
  const known = await tx.intent.findMany({ where: { name: { in: names } }, select: { name: true } });
  const unknown = names.filter((name) => !known.some((intent) => intent.name === name));
  if (unknown.length > 0) throw invalid('allowedIntents', `unknown intent(s): ${unknown.join(', ')}`);
}
