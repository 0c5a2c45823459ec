import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { manifestToSnapshot } from '../../../src/catalog/import/dbt/manifest-to-snapshot.ts';
import { type ParsedCatalog, parseCatalog } from '../../../src/catalog/import/dbt/read-catalog.ts';
import { parseManifest } from '../../../src/catalog/import/dbt/read-manifest.ts';

/** test/fixtures/dbt/jaffle_shop/v<N>: a `target/` folder with manifest.json and catalog.json. */
export const jaffleVersions = [10, 11, 12] as const;
export const jaffleDir = (version: number) => path.resolve(`test/fixtures/dbt/jaffle_shop/v${version}`);
export const jaffleManifest = (version: number) => path.join(jaffleDir(version), 'manifest.json');
export const jaffleCatalog = (version: number) => path.join(jaffleDir(version), 'catalog.json');

/** The manifest fields these tests edit. */
export interface EditableColumn {
  name: string;
  description: string;
  meta: Record<string, unknown>;
  tags: string[];
}
export interface EditableNode {
  unique_id: string;
  name: string;
  source_name?: string;
  resource_type: string;
  database: string;
  schema: string;
  alias?: string;
  identifier?: string;
  meta: Record<string, unknown>;
  config?: { meta?: Record<string, unknown>; materialized?: string };
  columns: Record<string, EditableColumn>;
}
export interface EditableManifest {
  nodes: Record<string, EditableNode>;
  sources: Record<string, EditableNode>;
}
export interface EditableCatalog {
  metadata: { dbt_schema_version: string };
  nodes: Record<
    string,
    { columns: Record<string, Record<string, unknown>>; metadata: { comment: string | null } }
  >;
  sources: Record<string, unknown>;
  errors: string[] | null;
}

export async function readJaffle(
  version = 12,
): Promise<{ manifest: EditableManifest; catalog: EditableCatalog }> {
  return {
    manifest: JSON.parse(await readFile(jaffleManifest(version), 'utf8')) as EditableManifest,
    catalog: JSON.parse(await readFile(jaffleCatalog(version), 'utf8')) as EditableCatalog,
  };
}

export interface JaffleEdits {
  manifest?: (manifest: EditableManifest) => void;
  /** Edits the catalog; `false` leaves no catalog.json beside the manifest; a string is written as is. */
  catalog?: ((catalog: EditableCatalog) => void) | false | string;
}

/** A copy of the v12 target folder in a fresh temporary directory, edited; returns the manifest's path. */
export async function editedJaffle(edits: JaffleEdits = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-jaffle-'));
  const { manifest, catalog } = await readJaffle();
  edits.manifest?.(manifest);
  const manifestFile = path.join(dir, 'manifest.json');
  await writeFile(manifestFile, JSON.stringify(manifest));
  if (typeof edits.catalog === 'string') await writeFile(path.join(dir, 'catalog.json'), edits.catalog);
  else if (typeof edits.catalog === 'function') {
    edits.catalog(catalog);
    await writeFile(path.join(dir, 'catalog.json'), JSON.stringify(catalog));
  } else if (edits.catalog === undefined) await copyFile(jaffleCatalog(12), path.join(dir, 'catalog.json'));
  return manifestFile;
}

/** Converts the v12 fixture in memory, edited, with or without its catalog.json. */
export async function convertJaffle(
  editManifest: (manifest: EditableManifest) => void = () => {},
  editCatalog: ((catalog: EditableCatalog) => void) | false = () => {},
) {
  const { manifest, catalog } = await readJaffle();
  editManifest(manifest);
  let parsedCatalog: ParsedCatalog | null = null;
  if (editCatalog !== false) {
    editCatalog(catalog);
    parsedCatalog = parseCatalog(jaffleCatalog(12), JSON.stringify(catalog));
  }
  return manifestToSnapshot(parseManifest(jaffleManifest(12), JSON.stringify(manifest)), parsedCatalog);
}

/** The error a synchronous call throws; fails the test when it returns instead. */
export function thrownBy(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error('expected the call to throw, but it returned');
}
