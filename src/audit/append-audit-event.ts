import { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { toJson } from '../shared/json.ts';
import type { AuditEventInput } from './audit-event.ts';
import { type Channel, currentChannel } from './channel.ts';

export type TransactionClient = Prisma.TransactionClient;

/**
 * Appends events inside the caller's transaction, so they commit or roll back with the change
 * they describe. No lock: ids come from a sequence, and the sequencer (log/audit-sequencer.ts)
 * gives committed events their place in the Merkle log afterwards. Several events cost one insert.
 */
export async function appendAuditEvents(
  tx: TransactionClient,
  inputs: readonly AuditEventInput[],
): Promise<void> {
  if (inputs.length === 0) return;
  await tx.$executeRaw(insertAuditEventsSql(inputs));
}

/**
 * The INSERT of appendAuditEvents as a statement to run alone or inside a larger one (a
 * data-modifying CTE), so that a write and its audit events can cost one round trip.
 */
export function insertAuditEventsSql(inputs: readonly AuditEventInput[]): Prisma.Sql {
  const occurredAt = new Date().toISOString();
  const rows = JSON.stringify(
    inputs.map((input) => ({
      occurredAt,
      type: input.type,
      actorHumanId: input.actor?.humanId ?? null,
      actorChain: toJson(input.actor?.agentChain ?? []),
      intent: input.intent ?? null,
      subjectKind: input.subject?.kind ?? null,
      subjectId: input.subject?.id ?? null,
      payload: toJson(payloadVia(input.payload ?? {}, channelOf(input))),
      policyVersion: input.policyVersion ?? null,
    })),
  );
  // WITH ORDINALITY keeps the events of one call in the order given (their ids, then their indexes).
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("occurredAt", type, "actorHumanId", "actorChain", intent, "subjectKind", "subjectId",
                              payload, "policyVersion")
    SELECT (e->>'occurredAt')::timestamptz, e->>'type', e->>'actorHumanId', e->'actorChain', e->>'intent',
           e->>'subjectKind', e->>'subjectId', e->'payload', (e->>'policyVersion')::int
    FROM jsonb_array_elements(${rows}::jsonb) WITH ORDINALITY AS input(e, position)
    ORDER BY position`;
}

/** The channel an event records: the one it names, else the one of the call being served. */
function channelOf(input: AuditEventInput): Channel | null {
  return input.channel === undefined ? currentChannel() : input.channel;
}

/**
 * The payload with the channel as `via` ({ name, client }). The payload is hashed into the log's
 * leaf, so the channel is as tamper-evident as the rest of the event, and events written before
 * channels were recorded (no `via`) hash as they always did. A payload that is not an object is
 * kept under `value`.
 */
function payloadVia(payload: unknown, channel: Channel | null): unknown {
  if (!channel) return payload;
  const via = { name: channel.name, client: channel.client };
  return isPlainObject(payload) ? { ...payload, via } : { value: payload, via };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Appends one event inside the caller's transaction (see appendAuditEvents). */
export function appendAuditEvent(tx: TransactionClient, input: AuditEventInput): Promise<void> {
  return appendAuditEvents(tx, [input]);
}

/** Appends an event in a transaction of its own. */
export function recordAuditEvent(prisma: PrismaClient, input: AuditEventInput): Promise<void> {
  return prisma.$transaction((tx) => appendAuditEvent(tx, input));
}
