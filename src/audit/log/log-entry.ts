import canonicalize from 'canonicalize';
import type { JsonValue } from '../../shared/json.ts';
import { type Hash, leafHash } from './merkle-tree.ts';

/** What a leaf of the audit log covers: the event at its index (so a moved event no longer fits). */
export interface LogEntry {
  index: bigint;
  occurredAt: Date;
  type: string;
  actorHumanId: string | null;
  actorChain: JsonValue;
  intent: string | null;
  subjectKind: string | null;
  subjectId: string | null;
  payload: JsonValue;
  policyVersion: number | null;
}

/** The RFC 8785 canonical JSON of an entry: the bytes its leaf hashes, and what a proof shows. */
export function entryBytes(entry: LogEntry): Buffer {
  const canonical = canonicalize({
    index: entry.index.toString(),
    occurredAt: entry.occurredAt.toISOString(),
    type: entry.type,
    actorHumanId: entry.actorHumanId,
    actorChain: entry.actorChain,
    intent: entry.intent,
    subjectKind: entry.subjectKind,
    subjectId: entry.subjectId,
    payload: entry.payload,
    policyVersion: entry.policyVersion,
  });
  return Buffer.from(canonical ?? '', 'utf8');
}

export function entryLeafHash(entry: LogEntry): Hash {
  return leafHash(entryBytes(entry));
}
