import { readFile } from 'node:fs/promises';
import { type Checkpoint, parseCheckpointText } from './checkpoint.ts';
import { type NoteVerifier, openNote } from './signed-note.ts';
import { notesInWitnessFile } from './witnesses.ts';

/**
 * The checkpoint notes held at a place outside the database: a witness file (one note after
 * another), a file with one note, or a URL (the service's /.well-known/aperture-audit-checkpoint,
 * whose JSON carries the note, or any URL answering with notes as text).
 */
export async function readCheckpointNotes(source: string): Promise<string[]> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${source} answered HTTP ${response.status}`);
    const text = await response.text();
    if (response.headers.get('content-type')?.includes('application/json')) {
      const body = JSON.parse(text) as { checkpoint?: unknown };
      if (typeof body.checkpoint !== 'string') throw new Error(`${source} holds no checkpoint`);
      return [body.checkpoint];
    }
    return notesInWitnessFile(text);
  }
  // A witness file that was never written to holds no checkpoint yet.
  const text = await readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return notesInWitnessFile(text);
}

export type OpenedCheckpoints = { checkpoints: Checkpoint[] } | { problem: string };

/** Opens every note with the log's key; one that does not verify, or names another log, is named. */
export function openCheckpoints(
  notes: readonly string[],
  verifier: NoteVerifier,
  origin: string,
): OpenedCheckpoints {
  const checkpoints: Checkpoint[] = [];
  for (const [position, note] of notes.entries()) {
    const opened = openNote(note, verifier);
    const checkpoint = opened.verified ? parseCheckpointText(opened.text) : null;
    if (!opened.verified || !checkpoint) {
      return {
        problem: `checkpoint ${position + 1} of ${notes.length} is not signed by the log's key (${opened.problem ?? 'not a checkpoint'}): forged, or from another log`,
      };
    }
    if (checkpoint.origin !== origin) {
      return { problem: `checkpoint ${position + 1} is of the log "${checkpoint.origin}", not "${origin}"` };
    }
    checkpoints.push(checkpoint);
  }
  const bySize = new Map<number, string>();
  for (const checkpoint of checkpoints) {
    const root = checkpoint.root.toString('hex');
    const earlier = bySize.get(checkpoint.size);
    if (earlier && earlier !== root) {
      return {
        problem: `two signed checkpoints of size ${checkpoint.size} have different roots: the log forked`,
      };
    }
    bySize.set(checkpoint.size, root);
  }
  return { checkpoints };
}
