import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { type InputProblem, InvalidInputError } from '../../../shared/errors.ts';

/** What dbt writes to target/: manifest.json, catalog.json. Read whole, or refused with the reason. */
export async function readArtifactText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    throw new InvalidInputError(file, [
      { location: 'file', message: `cannot be read (${(error as Error).message})` },
    ]);
  });
}

/** The same, as bytes: a manifest may be larger than the 512 MiB a string can hold. */
export async function readArtifactBytes(file: string): Promise<Buffer> {
  return readFile(file).catch((error: unknown) => {
    throw new InvalidInputError(file, [
      { location: 'file', message: `cannot be read (${(error as Error).message})` },
    ]);
  });
}

/** JSON.parse that names the line and column of a syntax error, or says the file is truncated. */
export function parseArtifactJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(file, [
      {
        location: jsonErrorLocation(text, error),
        message: `is not valid JSON (${(error as Error).message})`,
      },
    ]);
  }
}

/** The `vN` of a dbt schema URL such as `https://schemas.getdbt.com/dbt/manifest/v12.json`. */
export function artifactVersion(kind: 'manifest' | 'catalog', url: string): number | undefined {
  const match = new RegExp(`/${kind}/v(\\d+)\\.json$`).exec(url);
  return match ? Number(match[1]) : undefined;
}

export function issuesToProblems(error: z.ZodError, prefix: PropertyKey[] = []): InputProblem[] {
  return error.issues.map((issue) => ({
    location: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

/** `nodes["model.shop.orders"].columns.id` */
function formatPath(path: PropertyKey[]): string {
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const name = String(part);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return index === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join('');
}

/** Turns `at position N` of a JSON.parse error into `line L, column C`. */
function jsonErrorLocation(text: string, error: unknown): string {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  if (position === undefined) return text.trim() === '' ? 'file (empty)' : 'end of file (truncated?)';
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  return `line ${line}, column ${Number(position) - before.lastIndexOf('\n')}`;
}
