import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runToCompletion } from '../support/spawn-cli.ts';

export type ShellEnv = Record<string, string>;

/**
 * Runs a README shell block in bash (`set -euo pipefail`, from the repository root) and returns
 * the environment it leaves behind, so the next block sees its `export`s as a reader's terminal
 * would.
 */
export async function runShellBlock(code: string, env: ShellEnv): Promise<{ env: ShellEnv; stdout: string }> {
  const folder = await mkdtemp(path.join(tmpdir(), 'aperture-readme-'));
  const envFile = path.join(folder, 'env.json');
  const script = `set -euo pipefail\n${code}\nnode -e 'process.stdout.write(JSON.stringify(process.env))' > "${envFile}"\n`;
  try {
    const { exitCode, stdout, stderr } = await runToCompletion('bash', ['-c', script], { env });
    if (exitCode !== 0) throw new Error(`shell block failed (${exitCode}):\n${code}\n--- stderr:\n${stderr}`);
    return { env: JSON.parse(await readFile(envFile, 'utf8')) as ShellEnv, stdout };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
