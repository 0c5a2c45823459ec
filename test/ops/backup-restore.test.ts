import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sectionBlocks } from '../readme/readme-blocks.ts';
import { runShellBlock, type ShellEnv } from '../readme/run-shell.ts';
import { runCli, runToCompletion } from '../support/spawn-cli.ts';
import { adminUrl, createEmptyPostgresDatabase } from '../support/test-database.ts';

/**
 * README "Operations", backup and restore, with pg_dump and pg_restore as written: a dump taken
 * after the last event restores to a log that verifies; an older one restores to a log whose
 * verification names the removed tail; a service that goes on writing there forks the log; and
 * with the witness file moved aside first, the new checkpoints verify. Only the names the README
 * gives (the dump file, the restored database) are swapped for this test's own.
 */
const blocks = sectionBlocks('Operations');
const [dumpBlock, restoreBlock] = blocks.filter((block) => block.language === 'sh');
const [intactOutput, brokenOutput] = blocks.filter((block) => block.language === 'text');

let source: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
let folder: string;
let witness: string;
let env: ShellEnv;
const restored: string[] = [];

beforeAll(async () => {
  source = await createEmptyPostgresDatabase('aperture_ops_backup');
  folder = await mkdtemp(path.join(tmpdir(), 'aperture-backup-'));
  witness = path.join(folder, 'data', 'audit-checkpoints.log');
  env = {
    ...(process.env as ShellEnv),
    DATABASE_URL: source.url,
    APERTURE_DATA_DIR: path.join(folder, 'data'),
    APERTURE_AUDIT_WITNESSES: `file:${witness}`,
  };
});

afterAll(async () => {
  // One `-c` each: DROP DATABASE runs outside a transaction block.
  const drops = restored.flatMap((name) => ['-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]);
  if (drops.length > 0) {
    const run = await runToCompletion('psql', [adminUrl, ...drops]);
    expect(run.exitCode, run.stderr).toBe(0);
  }
  await source?.drop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** Runs `aperture <args>` on `databaseUrl`, failing the test on a non-zero exit. */
async function aperture(databaseUrl: string, ...args: string[]): Promise<string> {
  const run = await runCli(args, { ...env, DATABASE_URL: databaseUrl });
  expect(run.exitCode, run.stderr).toBe(0);
  return run.stdout;
}

/** Some audited work, then a signed checkpoint that reaches the file witness. */
async function auditedWork(databaseUrl: string, ...args: string[]): Promise<void> {
  await aperture(databaseUrl, ...args);
  expect(await aperture(databaseUrl, 'audit', 'checkpoint')).toContain('published to 1 of 1 witnesses');
}

async function dump(file: string): Promise<void> {
  await runShellBlock(dumpBlock!.code.replace('aperture.dump', file), env);
}

/** The README's restore block up to `verify`; then `verify` itself, whose exit status the test reads. */
async function restore(file: string): Promise<{ url: string; verify: () => Promise<VerifyRun> }> {
  const name = `aperture_restored_${restored.length}_${source.name.slice(-12)}`;
  restored.push(name);
  const lines = restoreBlock!.code
    .replaceAll('aperture_restored', name)
    .replace('aperture.dump', file)
    .split('\n');
  expect(lines.at(-1)).toBe('npx aperture audit verify');
  const { env: after } = await runShellBlock(lines.slice(0, -1).join('\n'), env);
  return {
    url: after.DATABASE_URL!,
    verify: async () => {
      const run = await runToCompletion('bash', ['-c', lines.at(-1)!], { env: after });
      return { exitCode: run.exitCode, output: `${run.stdout}${run.stderr}`.trim() };
    },
  };
}

interface VerifyRun {
  exitCode: number | null;
  output: string;
}

/** The README's output, its `<placeholders>` numbers (one name, one number). */
function outputPattern(text: string): RegExp {
  const seen = new Set<string>();
  const escaped = text.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^${escaped.replace(/<(\w+)>/g, (_all, name: string) => {
      if (seen.has(name)) return `\\k<${name}>`;
      seen.add(name);
      return `(?<${name}>\\d+)`;
    })}$`,
  );
}

describe('README "Operations": backup and restore', () => {
  it('verifies after a restore that holds every witnessed checkpoint, and names the removed tail after an older one', async () => {
    await aperture(source.url, 'migrate');
    await auditedWork(source.url, 'import', 'people', 'seeds/people.json');
    const older = path.join(folder, 'older.dump');
    await dump(older);
    await auditedWork(source.url, 'policies', 'apply', 'seeds/policies.yaml');
    const latest = path.join(folder, 'latest.dump');
    await dump(latest);
    const witnessed = path.join(folder, 'witnessed.log');
    await copyFile(witness, witnessed);

    const whole = await restore(latest);
    const intact = await whole.verify();
    expect(intact.exitCode).toBe(0);
    const intactMatch = outputPattern(intactOutput!.code).exec(intact.output);
    expect(intactMatch, intact.output).not.toBeNull();
    expect(intactMatch!.groups).toMatchObject({ events: '2', size: '2' });

    const rolledBack = await restore(older);
    const broken = await rolledBack.verify();
    expect(broken.exitCode).toBe(1);
    const brokenMatch = outputPattern(brokenOutput!.code).exec(broken.output);
    expect(brokenMatch, broken.output).not.toBeNull();
    expect(brokenMatch!.groups).toEqual({ stored: '1', size: '2' });

    // The service goes on writing on the rolled-back database: the log forks at the lost index.
    await auditedWork(rolledBack.url, 'policies', 'apply', 'seeds/policies.yaml');
    const forked = await rolledBack.verify();
    expect(forked.exitCode).toBe(1);
    expect(forked.output).toBe(
      'Audit checkpoints REFUSED: two signed checkpoints of size 2 have different roots: the log forked',
    );

    // As the README says to: the witness file moved aside before the first start.
    await copyFile(witnessed, witness);
    const again = await restore(older);
    await rename(witness, path.join(folder, 'before-restore.log'));
    await auditedWork(again.url, 'policies', 'apply', 'seeds/policies.yaml');
    const fresh = await again.verify();
    expect(fresh.exitCode, fresh.output).toBe(0);
    expect(fresh.output).toMatch(outputPattern(intactOutput!.code));
  });
});
