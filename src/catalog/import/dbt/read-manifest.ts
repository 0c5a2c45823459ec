import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { type InputProblem, InvalidInputError } from '../../../shared/errors.ts';
import {
  type Manifest,
  type ManifestNode,
  manifestNodeSchema,
  manifestSchema,
  supportedManifestVersions,
} from './manifest-schema.ts';

/** dbt node types that are relations an agent can query. */
const datasetResourceTypes = new Set(['model', 'seed', 'snapshot']);

export interface ParsedManifest {
  file: string;
  version: number;
  manifest: Manifest;
  /** Models, seeds and snapshots, validated. */
  datasetNodes: ManifestNode[];
}

export async function readManifestFile(file: string): Promise<ParsedManifest> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new InvalidInputError(file, [
      { location: 'file', message: `cannot be read (${(error as Error).message})` },
    ]);
  });
  return parseManifest(file, text);
}

/** Parses and validates a manifest's text; every problem names its place in the file. */
export function parseManifest(file: string, text: string): ParsedManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(file, [
      {
        location: jsonErrorLocation(text, error),
        message: `is not valid JSON (${(error as Error).message})`,
      },
    ]);
  }
  const versionProblem = checkVersion(data);
  if (versionProblem) throw new InvalidInputError(file, [versionProblem]);

  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) throw new InvalidInputError(file, issuesToProblems(parsed.error));
  const manifest = parsed.data;
  data = undefined;

  const problems: InputProblem[] = [];
  const datasetNodes: ManifestNode[] = [];
  for (const [id, raw] of Object.entries(manifest.nodes)) {
    const resourceType = (raw as { resource_type?: unknown } | null)?.resource_type;
    if (typeof resourceType !== 'string') {
      problems.push({ location: `nodes[${JSON.stringify(id)}].resource_type`, message: 'is missing' });
      continue;
    }
    if (!datasetResourceTypes.has(resourceType)) continue;
    const node = manifestNodeSchema.safeParse(raw);
    if (node.success) datasetNodes.push(node.data);
    else problems.push(...issuesToProblems(node.error, ['nodes', id]));
    // The validated copy is all we keep; let the raw node go (large manifests hold 100,000s of columns).
    manifest.nodes[id] = null;
  }
  if (problems.length > 0) throw new InvalidInputError(file, problems);
  return { file, version: manifestVersion(manifest.metadata.dbt_schema_version)!, manifest, datasetNodes };
}

function manifestVersion(url: string): number | undefined {
  const match = /\/manifest\/v(\d+)\.json$/.exec(url);
  return match ? Number(match[1]) : undefined;
}

function checkVersion(data: unknown): InputProblem | undefined {
  const metadata = (data as { metadata?: { dbt_schema_version?: unknown } } | null)?.metadata;
  const url = metadata?.dbt_schema_version;
  if (typeof url !== 'string') {
    return {
      location: 'metadata.dbt_schema_version',
      message: 'is missing: this does not look like a dbt manifest.json',
    };
  }
  const version = manifestVersion(url);
  if (version === undefined)
    return { location: 'metadata.dbt_schema_version', message: `is not a manifest schema URL (${url})` };
  if (!(supportedManifestVersions as readonly number[]).includes(version)) {
    return {
      location: 'metadata.dbt_schema_version',
      message: `manifest v${version} is not supported (supported: v${supportedManifestVersions.join(', v')}; dbt 1.6 to 1.10 write them)`,
    };
  }
  return undefined;
}

function issuesToProblems(error: z.ZodError, prefix: PropertyKey[] = []): InputProblem[] {
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
