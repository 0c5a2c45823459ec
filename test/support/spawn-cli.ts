import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The `aperture` command of this checkout. It runs the compiled dist/ only while dist/ matches the
 * sources (see bin/aperture.mjs), else the sources: tests always run the code as it is now.
 */
export const checkoutCli = path.resolve('bin/aperture.mjs');

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion in a child process, collecting what it prints. */
export function runToCompletion(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** Runs `aperture <args>` to completion in a child process (`cli`: another project's command). */
export function runCli(args: string[], env: Record<string, string>, cli = checkoutCli): Promise<CliRun> {
  return runToCompletion(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
}

export interface RunningCli {
  child: ChildProcess;
  graphqlUrl: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `aperture start` and resolves once it prints its GraphQL URL. */
export function startCli(
  env: Record<string, string>,
  timeoutMs = 60_000,
  cli = checkoutCli,
): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'start'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aperture did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL at (http:\/\/\S+\/graphql)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          graphqlUrl: match[1]!,
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`aperture exited with ${code} before it was ready:\n${output}`));
    });
  });
}
