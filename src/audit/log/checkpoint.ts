import type { Hash } from './merkle-tree.ts';
import { hashSize } from './merkle-tree.ts';

/**
 * A checkpoint (c2sp.org/tlog-checkpoint): the log's origin, its size and its root hash, one per
 * line, plus aperture's `time` extension line (when the sequencer signed it). Signed as a note.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** When it was signed (milliseconds since the epoch). */
  time: number;
}

export function checkpointText(checkpoint: Checkpoint): string {
  return [
    checkpoint.origin,
    String(checkpoint.size),
    checkpoint.root.toString('base64'),
    `time ${checkpoint.time}`,
    '',
  ].join('\n');
}

/** Reads a checkpoint's text (after its signature was checked); null when it is not one. */
export function parseCheckpointText(text: string): Checkpoint | null {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') return null;
  const [origin, size, root, ...extensions] = lines.slice(0, -1);
  if (!origin || !/^(0|[1-9]\d{0,15})$/.test(size ?? '')) return null;
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (rootHash.length !== hashSize || rootHash.toString('base64') !== root) return null;
  const time = extensions.map((line) => /^time (\d{1,16})$/.exec(line)?.[1]).find(Boolean);
  return { origin, size: Number(size), root: rootHash, time: time ? Number(time) : 0 };
}
