import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * A witness holds signed checkpoints outside the database, so that a rewritten log cannot be
 * passed off against them. Publishing must be idempotent: the same checkpoint may be sent again
 * after a failure.
 */
export interface Witness {
  /** e.g. `file:/var/lib/aperture/checkpoints`, `http:https://witness.example/add` (no secrets). */
  readonly name: string;
  /** The least time between two publications (a chat channel wants fewer than a file); default none. */
  readonly minIntervalMs?: number;
  publish(note: string): Promise<void>;
}

/** Appends each checkpoint note to a file (notes end in a newline; a blank line separates them). */
export function fileWitness(file: string): Witness {
  return {
    name: `file:${file}`,
    async publish(note) {
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, `${note}\n`, { mode: 0o644 });
    },
  };
}

/**
 * POSTs each checkpoint note as text/plain; any 2xx answer is a receipt. Credentials in the URL
 * (`https://user:secret@host/...`) are sent as HTTP Basic and never shown in the witness's name.
 */
export function httpWitness(url: string, timeoutMs = 5_000): Witness {
  const target = new URL(url);
  const credentials = target.username
    ? `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`
    : null;
  target.username = '';
  target.password = '';
  const shown = new URL(target);
  shown.search = '';
  return {
    name: `http:${shown.toString()}`,
    async publish(note) {
      const response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          ...(credentials ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}),
        },
        body: note,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the witness answered HTTP ${response.status}`);
    },
  };
}

/** Reads the notes a file witness holds, oldest first. */
export function notesInWitnessFile(text: string): string[] {
  return text
    .split(/\n\n(?=[^\n\u2014])/)
    .filter((note) => note.trim().length > 0)
    .map((note) => `${note.replace(/\n+$/, '')}\n`);
}
