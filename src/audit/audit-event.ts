import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonValue } from '../shared/json.ts';

/** The hash that starts the chain, before the first event. */
export const genesisHash = '0'.repeat(64);

/** Who acted: the human and the agent chain acting for them, outermost agent first. */
export interface AuditActor {
  humanId?: string | null;
  agentChain?: string[];
}

export interface AuditEventInput {
  /** Dotted event type, e.g. `catalog.imported`, `token.exchanged`, `grant.revoked`. */
  type: string;
  actor?: AuditActor;
  intent?: string | null;
  subject?: { kind: string; id: string } | null;
  /** Anything JSON can carry; stored as JSON (undefined dropped, dates as ISO strings). */
  payload?: unknown;
  policyVersion?: number | null;
}

/** The fields of a stored event that its hash covers. */
export interface ChainedEventFields {
  seq: bigint;
  occurredAt: Date;
  type: string;
  actorHumanId: string | null;
  actorChain: JsonValue;
  intent: string | null;
  subjectKind: string | null;
  subjectId: string | null;
  payload: JsonValue;
  policyVersion: number | null;
  prevHash: string;
}

/** sha256 over the RFC 8785 canonical JSON of the event, previous hash included. */
export function hashEvent(event: ChainedEventFields): string {
  const canonical = canonicalize({
    seq: event.seq.toString(),
    occurredAt: event.occurredAt.toISOString(),
    type: event.type,
    actorHumanId: event.actorHumanId,
    actorChain: event.actorChain,
    intent: event.intent,
    subjectKind: event.subjectKind,
    subjectId: event.subjectId,
    payload: event.payload,
    policyVersion: event.policyVersion,
    prevHash: event.prevHash,
  });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}
