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
 * Appends events inside the caller's transaction, so they commit or roll back with the change
 * they describe. Locking the chain head row serializes appends across replicas: the chain never
 * forks. Several events cost one lock and one insert.
 */
export async function appendAuditEvents(
  tx: TransactionClient,
  inputs: readonly AuditEventInput[],
): Promise<(ChainedEventFields & { hash: string })[]> {
  if (inputs.length === 0) return [];
  const [head] = await tx.$queryRaw<
    ChainHead[]
  >`SELECT seq, hash FROM "AuditChainHead" WHERE id = 1 FOR UPDATE`;
  if (!head) throw new Error('The audit chain head is missing: the database was not migrated.');
  const events: (ChainedEventFields & { hash: string })[] = [];
  let previous = { seq: head.seq, hash: head.hash };
  for (const input of inputs) {
    const event: ChainedEventFields = {
      seq: previous.seq + 1n,
      occurredAt: new Date(),
      type: input.type,
      actorHumanId: input.actor?.humanId ?? null,
      actorChain: toJson(input.actor?.agentChain ?? []),
      intent: input.intent ?? null,
      subjectKind: input.subject?.kind ?? null,
      subjectId: input.subject?.id ?? null,
      payload: toJson(input.payload ?? {}),
      policyVersion: input.policyVersion ?? null,
      prevHash: previous.hash,
    };
    const chained = { ...event, hash: hashEvent(event) };
    events.push(chained);
    previous = chained;
  }
  const rows = JSON.stringify(
    events.map((event) => ({
      ...event,
      seq: event.seq.toString(),
      occurredAt: event.occurredAt.toISOString(),
    })),
  );
  // One round trip for the events and the head: the head stays locked for as short as possible.
  await tx.$executeRaw`
    WITH inserted AS (
      INSERT INTO "AuditEvent" (seq, "occurredAt", type, "actorHumanId", "actorChain", intent, "subjectKind",
                                "subjectId", payload, "policyVersion", "prevHash", hash)
      SELECT seq, "occurredAt", type, "actorHumanId", "actorChain", intent, "subjectKind", "subjectId", payload,
             "policyVersion", "prevHash", hash
      FROM jsonb_to_recordset(${rows}::jsonb) AS e(seq bigint, "occurredAt" timestamptz, type text, "actorHumanId" text,
           "actorChain" jsonb, intent text, "subjectKind" text, "subjectId" text, payload jsonb, "policyVersion" int,
           "prevHash" text, hash text)
      RETURNING seq, hash
    )
    UPDATE "AuditChainHead" SET seq = last.seq, hash = last.hash
    FROM (SELECT seq, hash FROM inserted ORDER BY seq DESC LIMIT 1) AS last WHERE id = 1`;
  return events;
}

/** Appends one event inside the caller's transaction (see appendAuditEvents). */
export async function appendAuditEvent(tx: TransactionClient, input: AuditEventInput) {
  const [event] = await appendAuditEvents(tx, [input]);
  return event!;
}

/** Appends an event in a transaction of its own. */
export function recordAuditEvent(prisma: PrismaClient, input: AuditEventInput) {
  return prisma.$transaction((tx) => appendAuditEvent(tx, input));
}
