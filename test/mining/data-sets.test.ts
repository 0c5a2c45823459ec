import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  amazonEmployeeAccess,
  type DataSetEntry,
  DataSetUnavailableError,
  dataSetDirectories,
  findDataSet,
  loadDataSet,
} from '../../bench/mining-quality/data-sets.ts';

const text = 'ACTION,RESOURCE,MGR_ID\n1,r1,m1\n0,r2,m2\n1,r1,m3\n';
const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

/** A small data set pinned to `text`. */
const tiny: DataSetEntry = {
  ...amazonEmployeeAccess,
  name: 'tiny',
  source: { original: 'https://example.org/tiny.csv', verifiedCopies: [], licence: 'none' },
  fileName: 'tiny.csv',
  sha256: sha256(text),
  bytes: Buffer.byteLength(text),
  rows: 3,
};

describe('finding a pinned data set', () => {
  let root: string;
  let dataDir: string;
  let repoRoot: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'aperture-data-sets-'));
    dataDir = path.join(root, 'data');
    repoRoot = path.join(root, 'work', 'repo');
    await mkdir(dataDir, { recursive: true });
    await mkdir(path.join(repoRoot, 'bench', 'data'), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the file in $APERTURE_DATA_DIR and reads it as a decision table', async () => {
    await writeFile(path.join(dataDir, 'tiny.csv'), text);
    const file = path.join(dataDir, 'tiny.csv');
    expect(await findDataSet(tiny, { dataDir, repoRoot })).toEqual({ found: true, path: file });
    const { table, path: loaded } = await loadDataSet(tiny, { dataDir, repoRoot });
    expect(loaded).toBe(file);
    expect(table.size).toBe(3);
    expect([...table.approved]).toEqual([1, 0, 1]);
    expect(table.attributes.map((attribute) => attribute.name)).toEqual([
      'resource.RESOURCE',
      'human.MGR_ID',
    ]);
  });

  it('looks in $APERTURE_DATA_DIR, then ../shared/data, then bench/data', async () => {
    expect(dataSetDirectories({ dataDir, repoRoot }).map((place) => place.directory)).toEqual([
      dataDir,
      path.join(root, 'work', 'shared', 'data'),
      path.join(repoRoot, 'bench', 'data'),
    ]);
    await writeFile(path.join(repoRoot, 'bench', 'data', 'tiny.csv'), text);
    expect(await findDataSet(tiny, { dataDir, repoRoot })).toEqual({
      found: true,
      path: path.join(repoRoot, 'bench', 'data', 'tiny.csv'),
    });
    await mkdir(path.join(root, 'work', 'shared', 'data'), { recursive: true });
    await writeFile(path.join(root, 'work', 'shared', 'data', 'tiny.csv'), text);
    expect(await findDataSet(tiny, { dataDir, repoRoot })).toMatchObject({
      path: path.join(root, 'work', 'shared', 'data', 'tiny.csv'),
    });
  });

  it('refuses a file with other bytes, naming both checksums', async () => {
    // Same size, one byte different: only the checksum can tell.
    const changed = text.replace('m3', 'm4');
    await writeFile(path.join(dataDir, 'tiny.csv'), changed);
    const lookup = await findDataSet(tiny, { dataDir, repoRoot });
    expect(lookup).toMatchObject({ found: false, problem: 'checksum-mismatch' });
    const reason = lookup.found ? '' : lookup.reason;
    expect(reason).toContain(`expected ${tiny.bytes} bytes, sha256 ${tiny.sha256}`);
    expect(reason).toContain(`got      ${tiny.bytes} bytes, sha256 ${sha256(changed)}`);
    expect(reason).toContain(path.join(dataDir, 'tiny.csv'));
  });

  it('refuses a file of another size, and does not fall back to a good copy further down the list', async () => {
    await writeFile(path.join(dataDir, 'tiny.csv'), `${text}1,r9,m9\n`);
    await writeFile(path.join(repoRoot, 'bench', 'data', 'tiny.csv'), text);
    const lookup = await findDataSet(tiny, { dataDir, repoRoot });
    expect(lookup).toMatchObject({ found: false, problem: 'checksum-mismatch' });
    expect(lookup.found ? '' : lookup.reason).toContain(
      `got      ${tiny.bytes + 8} bytes, sha256 ${sha256(`${text}1,r9,m9\n`)}`,
    );
    await expect(loadDataSet(tiny, { dataDir, repoRoot })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      problem: 'checksum-mismatch',
    });
  });

  it('explains a missing file: where it looked, where to get it and where to put it', async () => {
    const lookup = await findDataSet(tiny, { dataDir: undefined, repoRoot });
    expect(lookup).toMatchObject({ found: false, problem: 'missing' });
    const reason = lookup.found ? '' : lookup.reason;
    expect(reason).toContain('no tiny.csv in');
    expect(reason).toContain('$APERTURE_DATA_DIR is not set');
    expect(reason).toContain(path.join(root, 'work', 'shared', 'data'));
    expect(reason).toContain(path.join(repoRoot, 'bench', 'data'));
    expect(reason).toContain('Download https://example.org/tiny.csv, save it as tiny.csv');
    expect(reason).toContain(tiny.sha256);
    const error = await loadDataSet(tiny, { dataDir: undefined, repoRoot }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DataSetUnavailableError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', dataSet: 'tiny', message: reason });
  });
});

describe('the Amazon employee access data set, when a copy is at hand', async () => {
  const lookup = await findDataSet(amazonEmployeeAccess);
  it.skipIf(!lookup.found)('reads as the decisions its entry describes', async () => {
    const { table, attributes } = await loadDataSet(amazonEmployeeAccess);
    expect(table.size).toBe(amazonEmployeeAccess.rows);
    const approved = table.approved.reduce((sum, value) => sum + value, 0);
    expect(approved / table.size).toBeCloseTo(0.942, 3);
    expect(attributes.map((attribute) => attribute.column)).toContain(amazonEmployeeAccess.groupColumn);
  });
});
