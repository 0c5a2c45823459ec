import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { InvalidInputError } from '../../shared/errors.ts';
import type { Policy } from '../policy-schema.ts';
import { validatePolicySet } from './policy-store.ts';

/** Reads a YAML (or JSON) policy file: a list of policies, or `{ policies: [...] }`. */
export async function readPolicyFile(file: string): Promise<Policy[]> {
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
  const list = Array.isArray(data) ? data : (data as { policies?: unknown } | null)?.policies;
  if (!Array.isArray(list))
    throw new InvalidInputError(file, [
      { location: 'file', message: 'must hold a list of policies (or policies: [...])' },
    ]);
  return validatePolicySet(list, file);
}
