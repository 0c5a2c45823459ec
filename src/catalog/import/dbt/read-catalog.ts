import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type InputProblem, InvalidInputError } from '../../../shared/errors.ts';
import { artifactVersion, issuesToProblems, parseArtifactJson, readArtifactText } from './artifact-json.ts';
import { catalogSchema, type DbtCatalog, supportedCatalogVersions } from './catalog-schema.ts';

export interface ParsedCatalog {
  file: string;
  catalog: DbtCatalog;
}

/** Which catalog.json an import read, for the summary. */
export type CatalogJsonUse =
  | { status: 'given'; file: string }
  | { status: 'found-beside-manifest'; file: string }
  | { status: 'not-found'; file: string }
  | { status: 'skipped' };

/**
 * `choice` is the file given (`--catalog`), false to read none (`--no-catalog`), or undefined:
 * then `catalog.json` beside the manifest is read when it is there, as `dbt docs generate`
 * writes both to `target/`.
 */
export async function readCatalogFor(
  manifestFile: string,
  choice: string | false | undefined,
): Promise<{ use: CatalogJsonUse; parsed: ParsedCatalog | null }> {
  if (choice === false) return { use: { status: 'skipped' }, parsed: null };
  if (choice !== undefined) {
    return { use: { status: 'given', file: choice }, parsed: await readCatalogFile(choice) };
  }
  const beside = path.join(path.dirname(manifestFile), 'catalog.json');
  if (!(await exists(beside))) return { use: { status: 'not-found', file: beside }, parsed: null };
  return { use: { status: 'found-beside-manifest', file: beside }, parsed: await readCatalogFile(beside) };
}

export async function readCatalogFile(file: string): Promise<ParsedCatalog> {
  return parseCatalog(file, await readArtifactText(file));
}

/** Parses and validates catalog.json's text; every problem names its place in the file. */
export function parseCatalog(file: string, text: string): ParsedCatalog {
  const data = parseArtifactJson(file, text);
  const versionProblem = checkVersion(data);
  if (versionProblem) throw new InvalidInputError(file, [versionProblem]);
  const parsed = catalogSchema.safeParse(data);
  if (!parsed.success) throw new InvalidInputError(file, issuesToProblems(parsed.error));
  return { file, catalog: parsed.data };
}

function checkVersion(data: unknown): InputProblem | undefined {
  const url = (data as { metadata?: { dbt_schema_version?: unknown } } | null)?.metadata?.dbt_schema_version;
  const location = 'metadata.dbt_schema_version';
  if (typeof url !== 'string')
    return { location, message: 'is missing: this does not look like a dbt catalog.json' };
  const version = artifactVersion('catalog', url);
  if (version === undefined) {
    const hint = artifactVersion('manifest', url) ? ': this is a manifest.json, not catalog.json' : '';
    return { location, message: `is not a catalog schema URL (${url})${hint}` };
  }
  if (!(supportedCatalogVersions as readonly number[]).includes(version)) {
    return {
      location,
      message: `catalog v${version} is not supported (supported: v${supportedCatalogVersions.join(', v')})`,
    };
  }
  return undefined;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    // Anything but "not there" (e.g. no permission) is reported by the read that follows.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
