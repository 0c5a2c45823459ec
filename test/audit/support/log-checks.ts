import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { Checkpoint } from '../../../src/audit/log/checkpoint.ts';
import { openCheckpoints } from '../../../src/audit/log/checkpoint-sources.ts';
import { consistencyProof, verifyConsistency } from '../../../src/audit/log/merkle-tree.ts';
import type { NoteVerifier } from '../../../src/audit/log/signed-note.ts';
import { storedEntries, verifyStoredLog } from '../../../src/audit/log/stored-log.ts';
import { notesInWitnessFile } from '../../../src/audit/log/witnesses.ts';
import type { PrismaClient } from '../../../src/db/open-database.ts';

/** The signed checkpoints a witness file holds, opened with the log's key. */
export async function witnessedCheckpoints(
  file: string,
  verifier: NoteVerifier,
  origin: string,
): Promise<Checkpoint[]> {
  const opened = openCheckpoints(notesInWitnessFile(await readFile(file, 'utf8')), verifier, origin);
  if ('problem' in opened) throw new Error(opened.problem);
  return opened.checkpoints;
}

/**
 * What every fault must leave behind: `count` events with the indexes 0..count-1 (none twice, none
 * skipped, none waiting), the log row and the newest checkpoint covering all of them, the stored
 * log verifying against every witnessed checkpoint, and those checkpoints agreeing with each
 * other (one root per size, each consistent with the newest by an RFC 9162 proof).
 */
export async function expectDenseVerifiedLog(
  prisma: PrismaClient,
  count: number,
  checkpoints: readonly Checkpoint[],
): Promise<void> {
  const [stats] = await prisma.$queryRaw<
    { total: bigint; sequenced: bigint; distinct: bigint; lowest: bigint | null; highest: bigint | null }[]
  >`SELECT count(*) AS total, count("logIndex") AS sequenced, count(DISTINCT "logIndex") AS distinct,
           min("logIndex") AS lowest, max("logIndex") AS highest FROM "AuditEvent"`;
  expect(stats).toEqual({
    total: BigInt(count),
    sequenced: BigInt(count),
    distinct: BigInt(count),
    lowest: 0n,
    highest: BigInt(count - 1),
  });
  const log = await prisma.auditLog.findUniqueOrThrow({ where: { id: 1 } });
  expect(Number(log.size)).toBe(count);
  const newest = [...checkpoints].sort((a, b) => b.size - a.size)[0]!;
  expect(newest.size).toBe(count);

  const verification = await verifyStoredLog(prisma, checkpoints);
  expect(verification).toMatchObject({ ok: true, eventsChecked: count, unsequenced: 0 });

  const roots = new Map<number, string>();
  for (const checkpoint of checkpoints) {
    const root = checkpoint.root.toString('hex');
    expect(roots.get(checkpoint.size) ?? root).toBe(root);
    roots.set(checkpoint.size, root);
  }
  const leaves = [];
  for await (const entry of storedEntries(prisma)) leaves.push(entry.leafHash!);
  for (const checkpoint of checkpoints) {
    if (checkpoint.size === 0) continue;
    const proof = consistencyProof(leaves, checkpoint.size, newest.size);
    expect(verifyConsistency(checkpoint.size, newest.size, proof, checkpoint.root, newest.root)).toBe(true);
  }
  // Checkpoint times never go back as the log grows.
  const bySize = [...checkpoints].sort((a, b) => a.size - b.size);
  for (const [position, checkpoint] of bySize.entries()) {
    if (position > 0) expect(checkpoint.time).toBeGreaterThanOrEqual(bySize[position - 1]!.time);
  }
}
