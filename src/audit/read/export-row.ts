import type { JsonValue } from '../../shared/json.ts';
import type { AuditEventRecord } from './audit-event-record.ts';

/**
 * One line of `aperture audit export` (JSONL), for a SIEM. The field names are a contract:
 * add fields, never rename or drop one. `index` is the log index (a number; the log stays far
 * below 2^53), `id` the insertion id (a string, like every id), `occurredAt` ISO 8601 UTC,
 * `actorChain` agent ids outermost first, `leafHash` the event's RFC 9162 leaf hash in hex (a
 * reader can recompute it from the line: see `aperture audit prove`).
 */
export interface AuditExportRow {
  index: number;
  id: string;
  occurredAt: string;
  type: string;
  actorHumanId: string | null;
  actorChain: string[];
  intent: string | null;
  subjectKind: string | null;
  subjectId: string | null;
  policyVersion: number | null;
  payload: JsonValue;
  leafHash: string;
}

/** The export line of a sequenced event (the export reads only those: each has its index for good). */
export function toExportRow(record: AuditEventRecord & { index: bigint; leafHash: string }): AuditExportRow {
  return {
    index: Number(record.index),
    id: record.id.toString(),
    occurredAt: record.occurredAt.toISOString(),
    type: record.type,
    actorHumanId: record.actorHumanId,
    actorChain: record.actorChain,
    intent: record.intent,
    subjectKind: record.subjectKind,
    subjectId: record.subjectId,
    policyVersion: record.policyVersion,
    payload: record.payload,
    leafHash: record.leafHash,
  };
}
