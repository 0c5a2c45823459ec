import type { Checkpoint } from './checkpoint.ts';
import { entryLeafHash, type LogEntry } from './log-entry.ts';
import type { Hash } from './merkle-tree.ts';
import { appendLeaves, emptyFrontier, frontierRoot, type TreeFrontier } from './tree-frontier.ts';

/** A stored event as verification reads it: its entry and the leaf hash the sequencer recorded. */
export interface StoredLogEntry extends LogEntry {
  leafHash: Hash | null;
}

export interface LogProblem {
  /** The first index that does not hold (for a checkpoint mismatch: the first index it covers that may be wrong). */
  index: bigint;
  reason: string;
}

export interface LogVerification {
  ok: boolean;
  /** Events read and found in place. */
  eventsChecked: number;
  /** Checkpoints (sizes) the stored log was found to agree with. */
  checkpointsMatched: number[];
  problem?: LogProblem;
}

/**
 * Recomputes the tree from the stored events (in log order) and checks it against checkpoints
 * held outside the database (already opened with the public key), smallest first. Names the first
 * problem: a gap (a deleted event), an event whose content no longer matches its leaf (rewritten
 * or moved), a tail shorter than a checkpoint (truncated), or a prefix whose root differs from a
 * checkpoint's (rewritten together with its recorded hashes: the first event after the last
 * checkpoint that still matched is where to look).
 */
export async function verifyLog(
  entries: AsyncIterable<StoredLogEntry>,
  checkpoints: readonly Checkpoint[],
): Promise<LogVerification> {
  const pending = [...checkpoints].sort((a, b) => a.size - b.size);
  const matched: number[] = [];
  let frontier: TreeFrontier = emptyFrontier;
  let lastMatched = 0;
  const check = (): LogProblem | undefined => {
    while (pending.length > 0 && pending[0]!.size === frontier.size) {
      const checkpoint = pending.shift()!;
      if (!frontierRoot(frontier).equals(checkpoint.root)) {
        return {
          index: BigInt(lastMatched),
          reason: `the first ${checkpoint.size} events no longer hash to the signed checkpoint of size ${checkpoint.size}: an event from index ${lastMatched} to ${checkpoint.size - 1} was rewritten, removed or moved`,
        };
      }
      matched.push(checkpoint.size);
      lastMatched = checkpoint.size;
    }
    return undefined;
  };
  const result = (problem?: LogProblem): LogVerification => ({
    ok: !problem,
    eventsChecked: frontier.size,
    checkpointsMatched: matched,
    ...(problem ? { problem } : {}),
  });

  let problem = check();
  if (problem) return result(problem);
  for await (const entry of entries) {
    const expected = BigInt(frontier.size);
    if (entry.index !== expected) {
      return result({
        index: expected,
        reason:
          entry.index > expected
            ? `event ${expected} is missing (the next stored event has index ${entry.index})`
            : `index ${entry.index} is stored twice`,
      });
    }
    const leaf = entryLeafHash(entry);
    if (entry.leafHash && !entry.leafHash.equals(leaf)) {
      return result({
        index: expected,
        reason: `event ${expected} was changed or moved after it was sequenced (its content no longer matches its leaf)`,
      });
    }
    frontier = appendLeaves(frontier, [leaf]);
    problem = check();
    if (problem) return result(problem);
  }
  // Every checkpoint left covers more than is stored: name the largest.
  const beyond = pending.at(-1);
  if (beyond) {
    return result({
      index: BigInt(frontier.size),
      reason: `the signed checkpoint covers ${beyond.size} events but only ${frontier.size} are stored: the tail from index ${frontier.size} was removed`,
    });
  }
  return result();
}
