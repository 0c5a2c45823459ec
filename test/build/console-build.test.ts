import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript build script, without type declarations
import { buildConsole } from '../../scripts/build/build-console.mjs';
import { runToCompletion } from '../support/spawn-cli.ts';

/**
 * The console's files are the same whoever builds them: `npm install` (no NODE_ENV), a test run
 * (vitest sets NODE_ENV=test, and every child it starts inherits it) or an operator with
 * NODE_ENV=production. A build under another NODE_ENV once gave React's development build under
 * other file names: a service that had sent the page of the first build then answered 404 for the
 * pages it had not sent yet.
 */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'aperture-console-build-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const assetsOf = async (folder: string) => (await readdir(path.join(folder, 'assets'))).sort();

describe('the console build', () => {
  it('gives the same files under any NODE_ENV', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    const underTest = path.join(work, 'under-test');
    await buildConsole(underTest);
    expect(process.env.NODE_ENV, "the caller's NODE_ENV is given back").toBe('test');

    const forProduction = path.join(work, 'for-production');
    const built = await runToCompletion(
      process.execPath,
      ['scripts/build/build-console.mjs', forProduction],
      {
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    expect(built.exitCode, built.stderr).toBe(0);

    const files = await assetsOf(underTest);
    expect(files.some((file) => /^explain-page-[\w-]+\.js$/.test(file))).toBe(true);
    expect(files).toEqual(await assetsOf(forProduction));
  });
});
