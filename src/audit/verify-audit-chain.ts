import type { PrismaClient } from '../db/open-database.ts';
import type { JsonValue } from '../shared/json.ts';
import { genesisHash, hashEvent } from './audit-event.ts';

export interface BrokenLink {
  seq: bigint;
  reason: string;
}

export interface ChainVerification {
  ok: boolean;
  eventsChecked: number;
  /** The first link that does not hold, if any. */
  brokenLink?: BrokenLink;
}

const batchSize = 2_000;

/**
 * Recomputes every event's hash in order and checks that each names its predecessor's hash, that
 * no sequence number is missing and that the chain head agrees with the last event.
 */
export async function verifyAuditChain(
  prisma: PrismaClient,
  onProgress?: (checked: number, total: number) => void,
): Promise<ChainVerification> {
  // The head first: events appended while we verify (other replicas keep writing) are not judged.
  const head = await prisma.auditChainHead.findUnique({ where: { id: 1 } });
  if (!head)
    return { ok: false, eventsChecked: 0, brokenLink: { seq: 0n, reason: 'the chain head is missing' } };
  const total = Number(head.seq);
  let expectedSeq = 1n;
  let previousHash = genesisHash;
  let checked = 0;
  while (expectedSeq <= head.seq) {
    const events = await prisma.auditEvent.findMany({
      where: { seq: { gte: expectedSeq, lte: head.seq } },
      orderBy: { seq: 'asc' },
      take: batchSize,
    });
    if (events.length === 0) break;
    for (const event of events) {
      const broken = checkLink(event, expectedSeq, previousHash);
      if (broken) return { ok: false, eventsChecked: checked, brokenLink: broken };
      previousHash = event.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    onProgress?.(checked, total);
  }
  if (expectedSeq - 1n !== head.seq || previousHash !== head.hash) {
    return {
      ok: false,
      eventsChecked: checked,
      brokenLink: {
        seq: expectedSeq,
        reason: `the chain head (seq ${head.seq}) does not match the last event (seq ${expectedSeq - 1n}): events after it were removed`,
      },
    };
  }
  return { ok: true, eventsChecked: checked };
}

interface StoredEvent {
  seq: bigint;
  occurredAt: Date;
  type: string;
  actorHumanId: string | null;
  actorChain: unknown;
  intent: string | null;
  subjectKind: string | null;
  subjectId: string | null;
  payload: unknown;
  policyVersion: number | null;
  prevHash: string;
  hash: string;
}

function checkLink(event: StoredEvent, expectedSeq: bigint, previousHash: string): BrokenLink | undefined {
  if (event.seq !== expectedSeq) {
    return {
      seq: expectedSeq,
      reason: `event ${expectedSeq} is missing (the next stored event is ${event.seq})`,
    };
  }
  if (event.prevHash !== previousHash) {
    return {
      seq: event.seq,
      reason: `event ${event.seq} does not point at the hash of event ${event.seq - 1n}`,
    };
  }
  const recomputed = hashEvent({
    ...event,
    actorChain: event.actorChain as JsonValue,
    payload: event.payload as JsonValue,
  });
  if (recomputed !== event.hash) {
    return {
      seq: event.seq,
      reason: `event ${event.seq} was altered after it was written (its hash does not match its content)`,
    };
  }
  return undefined;
}
