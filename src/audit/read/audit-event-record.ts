import type { AuditEvent } from '../../../generated/prisma/client.ts';
import type { JsonValue } from '../../shared/json.ts';

/** One stored event as readers see it, sequenced or not. */
export interface AuditEventRecord {
  /** Insertion order (from a sequence): every event has one at once; paging and ordering use it. */
  id: bigint;
  /** The event's place in the Merkle log; null until the sequencer has given it one (within a second). */
  index: bigint | null;
  occurredAt: Date;
  type: string;
  actorHumanId: string | null;
  /** Agent ids (Agent.id, not client ids), outermost first; empty for a human or the system. */
  actorChain: string[];
  intent: string | null;
  subjectKind: string | null;
  subjectId: string | null;
  policyVersion: number | null;
  payload: JsonValue;
  /** RFC 9162 leaf hash (hex) recorded by the sequencer; null while unsequenced. */
  leafHash: string | null;
}

export function toAuditEventRecord(row: AuditEvent): AuditEventRecord {
  const chain = Array.isArray(row.actorChain) ? row.actorChain : [];
  return {
    id: row.id,
    index: row.logIndex,
    occurredAt: row.occurredAt,
    type: row.type,
    actorHumanId: row.actorHumanId,
    actorChain: chain.filter((hop): hop is string => typeof hop === 'string'),
    intent: row.intent,
    subjectKind: row.subjectKind,
    subjectId: row.subjectId,
    policyVersion: row.policyVersion,
    payload: row.payload as JsonValue,
    leafHash: row.leafHash,
  };
}
