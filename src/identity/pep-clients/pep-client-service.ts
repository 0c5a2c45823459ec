import { randomBytes, randomUUID } from 'node:crypto';
import type { PepClient, PepClientStatus, Prisma } from '../../../generated/prisma/client.ts';
import { appendAuditEvent } from '../../audit/index.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { ApertureError, InvalidInputError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';
import {
  generateClientSecret,
  hashClientSecret,
  unmatchableSecretHash,
  VerifiedSecretCache,
  verifyClientSecret,
} from '../agents/client-secret.ts';
import { requireGovernance } from '../governance.ts';
import { type Viewer, viewerAuditActor } from '../viewer.ts';
import {
  type PepClientStatusChange,
  type RegisterPepClientInput,
  registerPepClientSchema,
} from './pep-client-input.ts';

/** A PEP client and the secret to show once. */
export interface PepClientWithSecret {
  pepClient: PepClient;
  clientSecret: string;
}

/** Why a PEP's credentials were not accepted (the caller sees one answer for all of them). */
export class PepAuthenticationError extends Error {
  constructor(readonly reason: 'missing' | 'failed' | 'inactive') {
    super(reason === 'missing' ? 'client authentication is required' : 'client authentication failed');
    this.name = 'PepAuthenticationError';
  }
}

const statusChanges: Record<
  PepClientStatusChange,
  { from: PepClientStatus[]; to: PepClientStatus; event: string }
> = {
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED', event: 'pep-client.suspended' },
  reactivate: { from: ['SUSPENDED'], to: 'ACTIVE', event: 'pep-client.reactivated' },
  retire: { from: ['ACTIVE', 'SUSPENDED'], to: 'RETIRED', event: 'pep-client.retired' },
};

/** How often a client's last use is written at most (a PEP may call many times a second). */
const lastUseWriteIntervalMs = 60_000;

/**
 * Policy enforcement points (gateways, MCP proxies, data platforms) that ask aperture's AuthZEN
 * endpoints: governance registers them, rotates their secret and suspends or retires them; each
 * call authenticates with the client id and secret. A PEP is trusted to enforce, never to say who
 * the subject is: the subject it names is verified from the token it forwards.
 */
export class PepClientService {
  private readonly verified = new VerifiedSecretCache();
  private readonly lastUseWritten = new Map<string, number>();

  constructor(private readonly deps: { prisma: PrismaClient; governanceGroup: string }) {}

  list(viewer: Viewer): Promise<PepClient[]> {
    requireGovernance(viewer, this.deps.governanceGroup);
    return this.deps.prisma.pepClient.findMany({ orderBy: { name: 'asc' } });
  }

  async register(viewer: Viewer, input: RegisterPepClientInput): Promise<PepClientWithSecret> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const data = validateInput(registerPepClientSchema, input, 'pepClient');
    const clientSecret = generateClientSecret();
    const secretHash = await hashClientSecret(clientSecret);
    const pepClient = await this.deps.prisma.$transaction(async (tx) => {
      if (await tx.pepClient.findUnique({ where: { name: data.name } })) {
        throw new ApertureError('CONFLICT', `a PEP client named ${data.name} already exists`);
      }
      const created = await tx.pepClient.create({
        data: {
          id: randomUUID(),
          clientId: `pep_${randomBytes(12).toString('base64url')}`,
          name: data.name,
          description: data.description ?? null,
          secretHash,
          registeredById: actor.human.id,
        },
      });
      await appendAuditEvent(tx, {
        type: 'pep-client.registered',
        actor: viewerAuditActor(actor),
        subject: { kind: 'pep-client', id: created.id },
        payload: { clientId: created.clientId, name: created.name },
      });
      return created;
    });
    return { pepClient, clientSecret };
  }

  /** A new secret; the old one stops at once. */
  async rotateSecret(viewer: Viewer, clientId: string): Promise<PepClientWithSecret> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const clientSecret = generateClientSecret();
    const secretHash = await hashClientSecret(clientSecret);
    const pepClient = await this.deps.prisma.$transaction(async (tx) => {
      const existing = await existingClient(tx, clientId);
      if (existing.status === 'RETIRED')
        throw new ApertureError('CONFLICT', `PEP client ${existing.name} is retired`);
      const updated = await tx.pepClient.update({ where: { id: existing.id }, data: { secretHash } });
      await appendAuditEvent(tx, {
        type: 'pep-client.secret-rotated',
        actor: viewerAuditActor(actor),
        subject: { kind: 'pep-client', id: existing.id },
        payload: { clientId },
      });
      return updated;
    });
    return { pepClient, clientSecret };
  }

  /** Suspends, reactivates or retires a PEP client; its next call is refused (or served) at once. */
  changeStatus(
    viewer: Viewer,
    clientId: string,
    change: PepClientStatusChange,
    reason?: string | null,
  ): Promise<PepClient> {
    const actor = requireGovernance(viewer, this.deps.governanceGroup);
    const { from, to, event } = statusChanges[change];
    if (reason && reason.length > 500)
      throw new InvalidInputError('pepClient', [{ location: 'reason', message: 'at most 500 characters' }]);
    return this.deps.prisma.$transaction(async (tx) => {
      const existing = await existingClient(tx, clientId);
      const { count } = await tx.pepClient.updateMany({
        where: { id: existing.id, status: { in: from } },
        data: { status: to, statusChangedAt: new Date() },
      });
      if (count === 0) {
        throw new ApertureError(
          'CONFLICT',
          `PEP client ${existing.name} is ${existing.status.toLowerCase()}: cannot ${change} it`,
        );
      }
      await appendAuditEvent(tx, {
        type: event,
        actor: viewerAuditActor(actor),
        subject: { kind: 'pep-client', id: existing.id },
        payload: { clientId, from: existing.status, to, reason: reason ?? null },
      });
      return tx.pepClient.findUniqueOrThrow({ where: { id: existing.id } });
    });
  }

  /**
   * The active PEP client these credentials prove. Unknown ids and wrong secrets cost the same
   * work (one scrypt verification) and get the same error; a secret verified recently skips
   * scrypt, which only its holder can make happen. Status is read on every call.
   */
  async authenticate(
    credentials: { clientId: string; clientSecret: string } | undefined,
    /** Runs before a secret is hashed (none recently verified matches): a throttle may refuse here. */
    beforeHashing: () => void = () => {},
  ): Promise<PepClient> {
    if (!credentials) throw new PepAuthenticationError('missing');
    const client = await this.deps.prisma.pepClient.findUnique({
      where: { clientId: credentials.clientId.slice(0, 200) },
    });
    const cacheKey = client ? `${client.id}:${client.secretHash}` : '';
    let matched = client !== null && this.verified.has(cacheKey, credentials.clientSecret);
    if (!matched) {
      beforeHashing();
      const ok = await verifyClientSecret(
        credentials.clientSecret,
        client?.secretHash ?? unmatchableSecretHash,
      );
      matched = ok && client !== null;
      if (matched) this.verified.remember(cacheKey, credentials.clientSecret);
    }
    if (!client || !matched) throw new PepAuthenticationError('failed');
    if (client.status !== 'ACTIVE') throw new PepAuthenticationError('inactive');
    this.noteUse(client.id);
    return client;
  }

  private noteUse(id: string): void {
    const now = Date.now();
    if ((this.lastUseWritten.get(id) ?? 0) > now - lastUseWriteIntervalMs) return;
    this.lastUseWritten.set(id, now);
    // Best effort: a lost write only makes "last used" a minute older.
    void this.deps.prisma.pepClient
      .update({ where: { id }, data: { lastUsedAt: new Date(now) } })
      .catch(() => this.lastUseWritten.delete(id));
  }
}

async function existingClient(tx: Prisma.TransactionClient, clientId: string): Promise<PepClient> {
  const client = await tx.pepClient.findUnique({ where: { clientId } });
  if (!client) throw new ApertureError('NOT_FOUND', `no PEP client has client id ${clientId}`);
  return client;
}
