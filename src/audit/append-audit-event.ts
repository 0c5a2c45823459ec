import type { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { toJson } from '../shared/json.ts';
import { type AuditEventInput, type ChainedEventFields, hashEvent } from './audit-event.ts';

export type TransactionClient = Prisma.TransactionClient;

interface ChainHead {
  seq: bigint;
  hash: string;
}

/**
 * Appends an event inside the caller's transaction, so the event commits or rolls back with the
 * change it describes. Locking the chain head row serializes appends across replicas: the chain
 * never forks.
 */
export async function appendAuditEvent(
  tx: TransactionClient,
  input: AuditEventInput,
): Promise<ChainedEventFields & { hash: string }> {
  const [head] = await tx.$queryRaw<
    ChainHead[]
  >`SELECT seq, hash FROM "AuditChainHead" WHERE id = 1 FOR UPDATE`;
  if (!head) throw new Error('The audit chain head is missing: the database was not migrated.');
  const event: ChainedEventFields = {
    seq: head.seq + 1n,
    occurredAt: new Date(),
    type: input.type,
    actorHumanId: input.actor?.humanId ?? null,
    actorChain: toJson(input.actor?.agentChain ?? []),
    intent: input.intent ?? null,
    subjectKind: input.subject?.kind ?? null,
    subjectId: input.subject?.id ?? null,
    payload: toJson(input.payload ?? {}),
    policyVersion: input.policyVersion ?? null,
    prevHash: head.hash,
  };
  const hash = hashEvent(event);
  await tx.auditEvent.create({
    data: {
      ...event,
      actorChain: event.actorChain as Prisma.InputJsonValue,
      payload: event.payload as Prisma.InputJsonValue,
      hash,
    },
  });
  await tx.auditChainHead.update({ where: { id: 1 }, data: { seq: event.seq, hash } });
  return { ...event, hash };
}

/** Appends an event in a transaction of its own. */
export function recordAuditEvent(prisma: PrismaClient, input: AuditEventInput) {
  return prisma.$transaction((tx) => appendAuditEvent(tx, input));
}
