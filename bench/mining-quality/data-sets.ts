/**
 * The public access-decision data sets the mining-quality bench measures on, and where to find
 * them on this machine. The files are never committed (their licences are not ours to grant):
 * each entry pins the file by size and SHA-256 so that every run measures the same bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DecisionCsv, readDecisionCsv } from '../../src/mining/read-decision-csv.ts';
import { ApertureError } from '../../src/shared/errors.ts';

/** A public data set of human access decisions, pinned to one file. */
export interface DataSetEntry {
  /** Short name used by the bench, e.g. `amazon-employee-access`. */
  name: string;
  /** What the decisions are, in a sentence or two. */
  description: string;
  /** Where the original is published, and where an identical copy was checked. */
  source: { original: string; verifiedCopies: readonly string[]; licence: string };
  /** The name the file must have in a data directory. */
  fileName: string;
  sha256: string;
  bytes: number;
  /** Decisions in the file (rows after the header). */
  rows: number;
  /** The outcome column and its value meaning "approved". */
  label: string;
  approved: string;
  /** Columns that describe the resource; every other column describes the requester. */
  resourceColumns: readonly string[];
  /** The requester-group column used to split by group (no group in both training and test rows). */
  groupColumn: string;
}

/** The Kaggle "Amazon.com - Employee Access Challenge" training file. */
export const amazonEmployeeAccess: DataSetEntry = {
  name: 'amazon-employee-access',
  description:
    "Amazon employees' requests for access to resources, 2010-2011, each approved or denied by a " +
    "person: the resource, the requester's manager and seven role attributes, all as opaque integer ids. " +
    'ACTION 1 means approved (94.2% of the rows).',
  source: {
    original: 'https://www.kaggle.com/c/amazon-employee-access-challenge/data (train.csv)',
    verifiedCopies: [
      'github.com/Atharva4320/Amazon-Employee-Access-Challenge',
      'github.com/mayank171986/Amazon-Employee-Access',
      'github.com/theusual/kaggle-amazon-employee-access',
    ],
    licence: 'Kaggle competition data: accept the competition rules on Kaggle before use',
  },
  fileName: 'amazon-employee-access-train.csv',
  sha256: 'c50b119438fb8c8e84b2ddb9c0a28c76cb01afa3dc78b920cfea36eb506843a7',
  bytes: 2_037_893,
  rows: 32_769,
  label: 'ACTION',
  approved: '1',
  resourceColumns: ['RESOURCE'],
  groupColumn: 'MGR_ID',
};

/** Every data set the bench knows. */
export const dataSets: readonly DataSetEntry[] = [amazonEmployeeAccess];

/** Where to look, for tests and callers with their own layout. */
export interface DataSetPlaces {
  /** The value of `$APERTURE_DATA_DIR` (default: the environment's). */
  dataDir?: string | undefined;
  /** The repository root (default: this checkout). */
  repoRoot?: string;
}

/** The outcome of looking for a data set's file. */
export type DataSetLookup =
  | { found: true; path: string }
  | { found: false; problem: 'missing' | 'checksum-mismatch'; reason: string };

/** A data set that cannot be used here: missing (`NOT_FOUND`) or not the pinned file (`INVALID_INPUT`). */
export class DataSetUnavailableError extends ApertureError {
  constructor(
    readonly dataSet: string,
    readonly problem: 'missing' | 'checksum-mismatch',
    reason: string,
  ) {
    super(problem === 'missing' ? 'NOT_FOUND' : 'INVALID_INPUT', reason, { dataSet, problem });
    this.name = 'DataSetUnavailableError';
  }
}

const thisCheckout = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The directories searched, in order: `$APERTURE_DATA_DIR` (when set), `../shared/data/` next to
 * the repository, then `bench/data/` in it (ignored by git).
 */
export function dataSetDirectories(places: DataSetPlaces = {}): { label: string; directory: string }[] {
  const dataDir = dataDirOf(places);
  const repoRoot = places.repoRoot ?? thisCheckout;
  return [
    ...(dataDir ? [{ label: '$APERTURE_DATA_DIR', directory: path.resolve(dataDir) }] : []),
    { label: '../shared/data', directory: path.resolve(repoRoot, '..', 'shared', 'data') },
    { label: 'bench/data', directory: path.resolve(repoRoot, 'bench', 'data') },
  ];
}

/**
 * Finds `entry`'s file in the first directory that has it and checks its size and SHA-256. A copy
 * that differs is reported, not skipped: measuring other bytes than the pinned ones would make the
 * numbers incomparable without anyone noticing.
 */
export async function findDataSet(entry: DataSetEntry, places: DataSetPlaces = {}): Promise<DataSetLookup> {
  const directories = dataSetDirectories(places);
  for (const { directory } of directories) {
    const file = path.join(directory, entry.fileName);
    const size = await fileSize(file);
    if (size === undefined) continue;
    const sha256 = size === entry.bytes ? await sha256Of(file) : undefined;
    if (sha256 === entry.sha256) return { found: true, path: file };
    return {
      found: false,
      problem: 'checksum-mismatch',
      reason: [
        `${file} is not the ${entry.name} file this bench pins:`,
        `  expected ${entry.bytes} bytes, sha256 ${entry.sha256}`,
        `  got      ${size} bytes, sha256 ${sha256 ?? (await sha256Of(file))}`,
        `Replace it with ${entry.source.original}.`,
      ].join('\n'),
    };
  }
  const searched = directories.map(({ label, directory }) => `  ${label}: ${directory}`);
  return {
    found: false,
    problem: 'missing',
    reason: [
      `${entry.name}: no ${entry.fileName} in`,
      ...searched,
      ...(dataDirOf(places) ? [] : ['  ($APERTURE_DATA_DIR is not set)']),
      `Download ${entry.source.original}, save it as ${entry.fileName} in one of these directories`,
      `(bench/data/ is ignored by git) and check: ${entry.bytes} bytes, sha256 ${entry.sha256}.`,
    ].join('\n'),
  };
}

/** Finds `entry`'s file and reads it as a decision table; throws {@link DataSetUnavailableError}. */
export async function loadDataSet(
  entry: DataSetEntry,
  places: DataSetPlaces = {},
): Promise<DecisionCsv & { path: string }> {
  const lookup = await findDataSet(entry, places);
  if (!lookup.found) throw new DataSetUnavailableError(entry.name, lookup.problem, lookup.reason);
  const csv = await readDecisionCsv(lookup.path, {
    label: entry.label,
    approved: entry.approved,
    resourceColumns: entry.resourceColumns,
  });
  return { ...csv, path: lookup.path };
}

function dataDirOf(places: DataSetPlaces): string | undefined {
  return 'dataDir' in places ? places.dataDir : process.env.APERTURE_DATA_DIR;
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
