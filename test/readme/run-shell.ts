import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
    const { exitCode, stdout, stderr } = await new Promise<{
      exitCode: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      child.stderr.on('data', (chunk) => {
        err += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ exitCode: code, stdout: out, stderr: err }));
    });
    if (exitCode !== 0) throw new Error(`shell block failed (${exitCode}):\n${code}\n--- stderr:\n${stderr}`);
    return { env: JSON.parse(await readFile(envFile, 'utf8')) as ShellEnv, stdout };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
