import { type InputProblem, InvalidInputError } from '../../../shared/errors.ts';
import { artifactVersion, issuesToProblems, parseArtifactJson, readArtifactText } from './artifact-json.ts';
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
  return parseManifest(file, await readArtifactText(file));
}

/** Parses and validates a manifest's text; every problem names its place in the file. */
export function parseManifest(file: string, text: string): ParsedManifest {
  let data = parseArtifactJson(file, text);
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
