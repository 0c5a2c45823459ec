import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../src/audit/log/checkpoint.ts';
import { entryLeafHash, type LogEntry } from '../../src/audit/log/log-entry.ts';
import { subtreeRoot } from '../../src/audit/log/merkle-tree.ts';
import { type StoredLogEntry, verifyLog } from '../../src/audit/log/verify-log.ts';

const entry = (index: number): LogEntry => ({
  index: BigInt(index),
  occurredAt: new Date(1_700_000_000_000 + index),
  type: 'access.approved',
  actorHumanId: 'h1',
  actorChain: ['agent-a'],
  intent: 'analytics',
  subjectKind: 'request',
  subjectId: `r${index}`,
  payload: { n: index },
  policyVersion: 3,
});
const log = Array.from({ length: 20 }, (_, index) => entry(index));
const stored = (entries: LogEntry[]): StoredLogEntry[] =>
  entries.map((e) => ({ ...e, leafHash: entryLeafHash(e) }));
const checkpointAt = (size: number): Checkpoint => ({
  origin: 'test/audit',
  size,
  root: subtreeRoot(log.slice(0, size).map(entryLeafHash)),
  time: size,
});
async function* iterate(entries: StoredLogEntry[]) {
  yield* entries;
}
const verify = (entries: StoredLogEntry[], sizes = [5, 12, 20]) =>
  verifyLog(iterate(entries), sizes.map(checkpointAt));

describe('verifying the stored log against witnessed checkpoints', () => {
  it('accepts the log as it was sequenced, and a log that grew past the last checkpoint', async () => {
    expect(await verify(stored(log))).toEqual({
      ok: true,
      eventsChecked: 20,
      checkpointsMatched: [5, 12, 20],
    });
    expect(await verify(stored(log), [7])).toMatchObject({
      ok: true,
      eventsChecked: 20,
      checkpointsMatched: [7],
    });
  });

  it('names a rewritten event by its index', async () => {
    const rewritten = stored(log);
    rewritten[8] = { ...rewritten[8]!, payload: { n: 'forged' } };
    expect((await verify(rewritten)).problem).toEqual({
      index: 8n,
      reason: 'event 8 was changed or moved after it was sequenced (its content no longer matches its leaf)',
    });
  });

  it('finds a rewrite whose recorded leaf hash was recomputed too, between the checkpoints around it', async () => {
    const rewritten = stored(log);
    const forged = { ...log[8]!, payload: { n: 'forged' } };
    rewritten[8] = { ...forged, leafHash: entryLeafHash(forged) };
    const result = await verify(rewritten);
    expect(result).toMatchObject({ ok: false, checkpointsMatched: [5], problem: { index: 5n } });
    expect(result.problem?.reason).toContain('no longer hash to the signed checkpoint of size 12');
  });

  it('names a deleted event, a truncated tail and a reordered pair', async () => {
    const deleted = stored(log).filter((e) => e.index !== 13n);
    expect((await verify(deleted)).problem).toEqual({
      index: 13n,
      reason: 'event 13 is missing (the next stored event has index 14)',
    });
    expect((await verify(stored(log.slice(0, 17)))).problem).toEqual({
      index: 17n,
      reason:
        'the signed checkpoint covers 20 events but only 17 are stored: the tail from index 17 was removed',
    });
    const swapped = stored(log);
    [swapped[3], swapped[4]] = [
      { ...swapped[4]!, index: 3n },
      { ...swapped[3]!, index: 4n },
    ];
    expect((await verify(swapped)).problem?.index).toBe(3n);
  });
});
