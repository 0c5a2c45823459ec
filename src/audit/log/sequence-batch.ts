import type { Prisma } from '../../../generated/prisma/client.ts';
import {
  advisoryLocks,
  limitLockWaits,
  lockAuditLogHead,
  takeAdvisoryLocks,
  tryAdvisoryLock,
} from '../../db/locks/index.ts';
import { type Checkpoint, checkpointText } from './checkpoint.ts';
import { entryLeafHash, type LogEntry } from './log-entry.ts';
import type { NoteSigner } from './signed-note.ts';
import { appendLeaves, frontierRoot, type TreeFrontier } from './tree-frontier.ts';

/** How long a stopping replica waits for another replica's batch (less than the transaction timeout). */
export const lockTimeoutMs = 4_000;

/** An event waiting for its index: the entry it will be, and its insertion id. */
type PendingRow = Omit<LogEntry, 'index'> & { id: bigint };

export interface SequencedBatch {
  checkpoint: Checkpoint;
  /** The signed note, as witnesses receive it. */
  note: string;
  sequenced: number;
}

/**
 * Gives the committed events that have no log index yet the next consecutive indexes, in the order
 * they were inserted (an event that commits late simply gets a later index: none is skipped),
 * extends the tree and signs a checkpoint, all in one transaction. Returns null when another
 * replica is sequencing right now or nothing is waiting. A crash mid-batch rolls everything back.
 */
export async function sequenceBatch(
  tx: Prisma.TransactionClient,
  options: {
    signer: NoteSigner;
    origin: string;
    batchSize: number;
    now?: number | undefined;
    /** Wait (up to lockTimeoutMs) for a replica that holds the lock instead of leaving it the round. */
    waitForLock?: boolean;
  },
): Promise<SequencedBatch | null> {
  // One sequencer at a time across replicas, per batch: the transaction holds the lock.
  if (options.waitForLock) {
    // A stopping replica must not leave its last events to a replica that may be stopping too.
    await limitLockWaits(tx, lockTimeoutMs);
    await takeAdvisoryLocks(tx, advisoryLocks.auditSequencer);
  } else if (!(await tryAdvisoryLock(tx, advisoryLocks.auditSequencer))) {
    return null;
  }
  const log = await lockAuditLogHead(tx);
  if (!log) throw new Error('The audit log row is missing: the database was not migrated.');
  const pending = await tx.$queryRaw<PendingRow[]>`
    SELECT id, "occurredAt", type, "actorHumanId", "actorChain", intent, "subjectKind", "subjectId", payload,
           "policyVersion"
    FROM "AuditEvent" WHERE "logIndex" IS NULL ORDER BY id LIMIT ${options.batchSize}`;
  if (pending.length === 0) return null;

  const entries: LogEntry[] = pending.map((row, offset) => ({ ...row, index: log.size + BigInt(offset) }));
  const leaves = entries.map(entryLeafHash);
  const before: TreeFrontier = {
    size: Number(log.size),
    hashes: log.frontier.map((hex) => Buffer.from(hex, 'hex')),
  };
  const after = appendLeaves(before, leaves);
  const assignments = JSON.stringify(
    pending.map((row, offset) => ({
      id: row.id.toString(),
      logIndex: entries[offset]!.index.toString(),
      leafHash: leaves[offset]!.toString('hex'),
    })),
  );
  const updated = await tx.$executeRaw`
    UPDATE "AuditEvent" AS e SET "logIndex" = a."logIndex", "leafHash" = a."leafHash"
    FROM jsonb_to_recordset(${assignments}::jsonb) AS a(id bigint, "logIndex" bigint, "leafHash" text)
    WHERE e.id = a.id AND e."logIndex" IS NULL`;
  if (updated !== pending.length) {
    throw new Error(`audit sequencing raced: ${updated} of ${pending.length} events were still unsequenced`);
  }

  // Checkpoint times never go back, whatever the clock of the replica that signs.
  const time = Math.max(options.now ?? Date.now(), Number(log.checkpointTime));
  const checkpoint: Checkpoint = {
    origin: options.origin,
    size: after.size,
    root: frontierRoot(after),
    time,
  };
  const note = options.signer.sign(checkpointText(checkpoint));
  const frontier = JSON.stringify(after.hashes.map((hash) => hash.toString('hex')));
  await tx.$executeRaw`
    UPDATE "AuditLog" SET size = ${after.size}, frontier = ${frontier}::jsonb, root = ${checkpoint.root.toString('hex')},
           "checkpointTime" = ${time}
    WHERE id = 1 AND size = ${log.size}`;
  await tx.$executeRaw`
    INSERT INTO "AuditCheckpoint" (size, root, note, "signedAt")
    VALUES (${after.size}, ${checkpoint.root.toString('hex')}, ${note}, ${new Date(time)})`;
  return { checkpoint, note, sequenced: pending.length };
}
