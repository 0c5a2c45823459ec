import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const script = path.resolve('test/audit/support/audit-replica.ts');

export interface ReplicaProcess {
  child: ChildProcess;
  /** Resolves once its sequencer runs. */
  ready: Promise<void>;
  /** Resolves with the exit code (or the signal that ended it) and what it printed. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts test/audit/support/audit-replica.ts in a process of its own (see there for the settings). */
export function startReplica(env: Record<string, string>): ReplicaProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('"ready"')) markReady();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    ready: Promise.race([
      ready,
      exited.then(({ code, stderr: output }) => {
        throw new Error(`the replica exited with ${code} before it was ready:\n${output}`);
      }),
    ]),
    exited,
  };
}
