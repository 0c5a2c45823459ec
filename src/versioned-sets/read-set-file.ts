import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { InvalidInputError } from '../shared/errors.ts';

/**
 * Reads a YAML (or JSON) file holding a list of `noun`s, as a list or under `<noun>: [...]`.
 * Syntax errors name the line and column; the caller validates the items.
 */
export async function readSetFile(file: string, noun: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new InvalidInputError(file, [
      { location: 'file', message: `cannot be read (${(error as Error).message})` },
    ]);
  });
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new InvalidInputError(
      file,
      document.errors.map((error) => ({
        location: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : 'file',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    );
  }
  const data: unknown = document.toJS();
  const list = Array.isArray(data) ? data : (data as Record<string, unknown> | null)?.[noun];
  if (!Array.isArray(list))
    throw new InvalidInputError(file, [
      { location: 'file', message: `must hold a list of ${noun} (or ${noun}: [...])` },
    ]);
  return list;
}
