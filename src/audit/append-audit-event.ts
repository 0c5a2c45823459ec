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
  // One round trip for the event and the head: the head stays locked for as short as possible.
  await tx.$executeRaw`
    WITH inserted AS (
      INSERT INTO "AuditEvent" (seq, "occurredAt", type, "actorHumanId", "actorChain", intent, "subjectKind",
                                "subjectId", payload, "policyVersion", "prevHash", hash)
      VALUES (${event.seq}, ${event.occurredAt}::timestamptz, ${event.type}, ${event.actorHumanId},
              ${JSON.stringify(event.actorChain)}::jsonb, ${event.intent}, ${event.subjectKind}, ${event.subjectId},
              ${JSON.stringify(event.payload)}::jsonb, ${event.policyVersion}::int, ${event.prevHash}, ${hash})
      RETURNING seq, hash
    )
    UPDATE "AuditChainHead" SET seq = inserted.seq, hash = inserted.hash FROM inserted WHERE id = 1`;
  return { ...event, hash };
}

/** Appends an event in a transaction of its own. */
export function recordAuditEvent(prisma: PrismaClient, input: AuditEventInput) {
  return prisma.$transaction((tx) => appendAuditEvent(tx, input));
}
