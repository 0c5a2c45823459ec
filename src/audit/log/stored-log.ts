import type { PrismaClient } from '../../db/open-database.ts';
import type { JsonValue } from '../../shared/json.ts';
import type { Checkpoint } from './checkpoint.ts';
import { entryBytes, entryLeafHash, type LogEntry } from './log-entry.ts';
import { consistencyProof, type Hash, inclusionProof, subtreeRoot } from './merkle-tree.ts';
import { type LogVerification, type StoredLogEntry, verifyLog } from './verify-log.ts';

const batchSize = 2_000;

/** The sequenced events in log order, read in batches (memory holds one batch, never the log). */
export async function* storedEntries(prisma: PrismaClient, from = 0n): AsyncGenerator<StoredLogEntry> {
  let next = from;
  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: { logIndex: { gte: next } },
      orderBy: { logIndex: 'asc' },
      take: batchSize,
    });
    for (const row of rows) {
      yield {
        index: row.logIndex!,
        occurredAt: row.occurredAt,
        type: row.type,
        actorHumanId: row.actorHumanId,
        actorChain: row.actorChain as JsonValue,
        intent: row.intent,
        subjectKind: row.subjectKind,
        subjectId: row.subjectId,
        payload: row.payload as JsonValue,
        policyVersion: row.policyVersion,
        leafHash: row.leafHash ? Buffer.from(row.leafHash, 'hex') : null,
      };
    }
    if (rows.length < batchSize) return;
    next = rows[rows.length - 1]!.logIndex! + 1n;
  }
}

export interface AuditLogVerification extends LogVerification {
  /** Events committed but not yet sequenced (a checkpoint will cover them within a second). */
  unsequenced: number;
}

/** Verifies the stored log against checkpoints held outside the database (see verifyLog). */
export async function verifyStoredLog(
  prisma: PrismaClient,
  checkpoints: readonly Checkpoint[],
): Promise<AuditLogVerification> {
  const result = await verifyLog(storedEntries(prisma), checkpoints);
  const unsequenced = await prisma.auditEvent.count({ where: { logIndex: null } });
  return { ...result, unsequenced };
}

export interface InclusionProof {
  index: string;
  treeSize: number;
  /** The event as its leaf covers it (RFC 8785 canonical JSON). */
  entry: string;
  leafHash: string;
  /** Audit path, leaf to root (hex). */
  proof: string[];
  rootHash: string;
}

/**
 * An inclusion proof of the event at `index` in the tree of `treeSize` events, built from the
 * events as stored now (so a proof of a rewritten event fails against a witnessed checkpoint).
 */
export async function proveInclusion(
  prisma: PrismaClient,
  index: bigint,
  treeSize: number,
): Promise<InclusionProof | null> {
  if (index < 0n || index >= BigInt(treeSize)) return null;
  const leaves: Hash[] = [];
  let proven: LogEntry | undefined;
  for await (const entry of storedEntries(prisma)) {
    if (entry.index >= BigInt(treeSize)) break;
    if (entry.index !== BigInt(leaves.length)) return null;
    leaves.push(entryLeafHash(entry));
    if (entry.index === index) proven = entry;
  }
  if (!proven || leaves.length !== treeSize) return null;
  return {
    index: index.toString(),
    treeSize,
    entry: entryBytes(proven).toString('utf8'),
    leafHash: leaves[Number(index)]!.toString('hex'),
    proof: inclusionProof(leaves, Number(index), treeSize).map((hash) => hash.toString('hex')),
    rootHash: subtreeRoot(leaves, 0, treeSize).toString('hex'),
  };
}

export interface ConsistencyProof {
  oldSize: number;
  newSize: number;
  /** RFC 9162 2.1.4 PROOF(oldSize, D[0:newSize]) (hex); empty when the sizes are equal. */
  proof: string[];
  oldRootHash: string;
  newRootHash: string;
}

/**
 * A consistency proof that the tree of the first `oldSize` stored events is a prefix of the tree of
 * the first `newSize`, built from the events as stored now. Null when the stored log does not hold
 * `newSize` consecutive events.
 */
export async function proveConsistency(
  prisma: PrismaClient,
  oldSize: number,
  newSize: number,
): Promise<ConsistencyProof | null> {
  if (oldSize < 1 || oldSize > newSize) return null;
  const leaves: Hash[] = [];
  for await (const entry of storedEntries(prisma)) {
    if (entry.index >= BigInt(newSize)) break;
    if (entry.index !== BigInt(leaves.length)) return null;
    leaves.push(entryLeafHash(entry));
  }
  if (leaves.length !== newSize) return null;
  return {
    oldSize,
    newSize,
    proof: consistencyProof(leaves, oldSize, newSize).map((hash) => hash.toString('hex')),
    oldRootHash: subtreeRoot(leaves, 0, oldSize).toString('hex'),
    newRootHash: subtreeRoot(leaves, 0, newSize).toString('hex'),
  };
}
