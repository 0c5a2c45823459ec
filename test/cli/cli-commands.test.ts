import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/spawn-cli.ts';
import { createEmptyPostgresDatabase } from '../support/test-database.ts';

/** The `aperture` command as users run it, against a PostgreSQL database it migrates itself. */
let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
let dir: string;
const env = () => ({ DATABASE_URL: database.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' });

beforeAll(async () => {
  database = await createEmptyPostgresDatabase('aperture_cli');
  dir = await mkdtemp(path.join(tmpdir(), 'aperture-cli-'));
});
afterAll(() => database.drop());

describe('aperture CLI', () => {
  it('migrate applies the migrations once', async () => {
    const first = await runCli(['migrate'], env());
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\)/);
    const second = await runCli(['migrate'], env());
    expect(second.stdout).toMatch(/Database is up to date/);
  });

  it('import people and import dbt print what changed; re-import changes nothing', async () => {
    const people = await runCli(['import', 'people', 'test/fixtures/people/people.json'], env());
    expect(people.exitCode).toBe(0);
    expect(people.stdout).toMatch(/people\s+3\s+0\s+0\s+0/);

    const dbt = await runCli(['import', 'dbt', 'test/fixtures/dbt/manifest-v11.json'], env());
    expect(dbt.exitCode).toBe(0);
    expect(dbt.stdout).toMatch(/as dbt:shop/);
    expect(dbt.stdout).toMatch(/datasets\s+8\s+0\s+0\s+0/);
    const again = await runCli(['import', 'dbt', 'test/fixtures/dbt/manifest-v11.json'], env());
    expect(again.stdout).toMatch(/datasets\s+0\s+0\s+0\s+8/);

    const verify = await runCli(['audit', 'verify'], env());
    expect(verify.stdout).toMatch(/Audit chain intact: 3 events verified/);
  });

  it('bad input exits 1 with the file, the place and the reason, and no stack trace', async () => {
    const bad = path.join(dir, 'truncated.json');
    await writeFile(bad, (await readFile('test/fixtures/dbt/manifest-v12.json', 'utf8')).slice(0, 500));
    const result = await runCli(['import', 'dbt', bad], env());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`error: ${bad}: invalid input`);
    expect(result.stderr).toMatch(/not valid JSON/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad setting stops the command with the variable named', async () => {
    const result = await runCli(['migrate'], { ...env(), PORT: 'eighty' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/PORT: /);
  });
});
