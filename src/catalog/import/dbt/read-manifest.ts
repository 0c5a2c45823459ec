import { type InputProblem, InvalidInputError } from '../../../shared/errors.ts';
import { artifactVersion, issuesToProblems, parseArtifactJson, readArtifactBytes } from './artifact-json.ts';
import { forEachJsonMember, NotSplittableError } from './json-members.ts';
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
  /** Models, seeds and snapshots, validated; manifestToSnapshot takes them (the array is emptied). */
  datasetNodes: ManifestNode[];
}

export async function readManifestFile(file: string): Promise<ParsedManifest> {
  return parseManifest(file, await readArtifactBytes(file));
}

/**
 * Parses and validates a manifest; every problem names its place in the file. Nodes are parsed and
 * validated one at a time (see json-members.ts): a manifest of 2,000,000 columns never exists as
 * one string nor as one tree of raw objects. A file that is not plain, valid JSON is parsed whole,
 * whose error names the line and column.
 */
export function parseManifest(file: string, text: string | Uint8Array): ParsedManifest {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let split: ReturnType<typeof splitManifest>;
  try {
    split = splitManifest(bytes);
  } catch (error) {
    if (!(error instanceof NotSplittableError)) throw error;
    // Not reached by valid JSON: the whole text's parse error says where the file is broken.
    split = wholeManifest(file, bytes);
  }
  const versionProblem = checkVersion(split.data);
  if (versionProblem) throw new InvalidInputError(file, [versionProblem]);

  const parsed = manifestSchema.safeParse(split.data);
  if (!parsed.success) throw new InvalidInputError(file, issuesToProblems(parsed.error));
  if (split.problems.length > 0) throw new InvalidInputError(file, split.problems);
  const manifest = parsed.data;
  return {
    file,
    version: manifestVersion(manifest.metadata.dbt_schema_version)!,
    manifest,
    datasetNodes: split.datasetNodes,
  };
}

interface SplitManifest {
  /** The manifest with every node replaced by null (the validated ones are in datasetNodes). */
  data: Record<string, unknown>;
  datasetNodes: ManifestNode[];
  problems: InputProblem[];
}

/** What each node gave, by id: a Map keeps the first position of an id listed twice, as JSON.parse does. */
type NodeResults = Map<string, ManifestNode | InputProblem[] | null>;

function splitManifest(bytes: Uint8Array): SplitManifest {
  const data: Record<string, unknown> = {};
  let nodes: Record<string, unknown> = {};
  let results: NodeResults = new Map();
  forEachJsonMember(
    bytes,
    splitKeys,
    (key, value) => {
      setMember(data, key, value);
      // The last of two `nodes` keys wins, as with JSON.parse.
      if (key === 'nodes') {
        nodes = value as Record<string, unknown>;
        results = new Map();
      }
    },
    (_key, id, raw) => {
      setMember(nodes, id, null);
      results.set(id, validateNode(id, raw));
    },
  );
  return { data, ...collect(results) };
}

function wholeManifest(file: string, bytes: Uint8Array): SplitManifest {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const data = parseArtifactJson(file, text) as Record<string, unknown>;
  const results: NodeResults = new Map();
  const nodes = (data as { nodes?: unknown } | null)?.nodes;
  if (typeof nodes === 'object' && nodes !== null && !Array.isArray(nodes)) {
    for (const [id, raw] of Object.entries(nodes)) {
      results.set(id, validateNode(id, raw));
      (nodes as Record<string, unknown>)[id] = null;
    }
  }
  return { data, ...collect(results) };
}

function collect(results: NodeResults): Pick<SplitManifest, 'datasetNodes' | 'problems'> {
  const datasetNodes: ManifestNode[] = [];
  const problems: InputProblem[] = [];
  for (const result of results.values()) {
    if (Array.isArray(result)) problems.push(...result);
    else if (result) datasetNodes.push(result);
  }
  return { datasetNodes, problems };
}

const splitKeys = new Set(['nodes']);

/** A model, seed or snapshot validated; null for other nodes; the problems of a bad one. */
function validateNode(id: string, raw: unknown): ManifestNode | InputProblem[] | null {
  const resourceType = (raw as { resource_type?: unknown } | null)?.resource_type;
  if (typeof resourceType !== 'string') {
    return [{ location: `${nodeLocation(id)}.resource_type`, message: 'is missing' }];
  }
  if (!datasetResourceTypes.has(resourceType)) return null;
  const node = manifestNodeSchema.safeParse(raw);
  return node.success ? node.data : issuesToProblems(node.error, ['nodes', id]);
}

function nodeLocation(id: string): string {
  return `nodes[${JSON.stringify(id)}]`;
}

/** `__proto__` is a key like any other in JSON. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function manifestVersion(url: string): number | undefined {
  return artifactVersion('manifest', url);
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
  if (version === undefined) {
    const hint = artifactVersion('catalog', url) ? ': this is a catalog.json (pass it with --catalog)' : '';
    return {
      location: 'metadata.dbt_schema_version',
      message: `is not a manifest schema URL (${url})${hint}`,
    };
  }
  if (!(supportedManifestVersions as readonly number[]).includes(version)) {
    return {
      location: 'metadata.dbt_schema_version',
      message: `manifest v${version} is not supported (supported: v${supportedManifestVersions.join(', v')}; dbt 1.6 to 1.10 write them)`,
    };
  }
  return undefined;
}
