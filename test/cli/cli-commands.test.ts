import { generateKeyPairSync } from 'node:crypto';
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

    const keyFile = path.join(dir, 'audit-key.pem');
    await writeFile(
      keyFile,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const witnessed = {
      ...env(),
      APERTURE_AUDIT_KEY_FILE: keyFile,
      APERTURE_AUDIT_WITNESSES: `file:${path.join(dir, 'checkpoints.log')}`,
    };
    const unsigned = await runCli(['audit', 'verify'], witnessed);
    expect(unsigned.exitCode).toBe(2);
    expect(unsigned.stderr).toMatch(/No checkpoint in .*checkpoints\.log yet/);
    const checkpoint = await runCli(['audit', 'checkpoint'], witnessed);
    expect(checkpoint.stdout).toMatch(
      /Sequenced 3 events; the newest checkpoint covers 3 \(published to 1 of 1 witnesses\)/,
    );
    const verify = await runCli(['audit', 'verify'], witnessed);
    expect(verify.stdout).toMatch(
      /Audit log intact: 3 events verified; consistent with 1 signed checkpoints up to size 3/,
    );
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
