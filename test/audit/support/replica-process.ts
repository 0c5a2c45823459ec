import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const script = path.resolve('test/audit/support/audit-replica.ts');

export interface ReplicaProcess {
  child: ChildProcess;
  /** Resolves once its sequencer runs. */
  ready: Promise<void>;
  /**
   * Resolves once it prints a line holding `marker`; rejects, with what it wrote to stderr, if it
   * exits first or `timeoutMs` passes.
   */
  printed(marker: string, timeoutMs: number): Promise<void>;
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
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watcher of watchers) watcher();
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

  function printed(marker: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!stdout.includes(marker)) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`the replica printed no ${marker} in ${timeoutMs} ms; its stderr:\n${stderr}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      void exited.then(({ code, signal }) => {
        finish();
        reject(
          new Error(
            `the replica exited (${code ?? signal}) before it printed ${marker}; stdout:\n${stdout}\nstderr:\n${stderr}`,
          ),
        );
      });
      check();
    });
  }

  const ready = printed('"ready"', 120_000);
  // Awaited only by the tests that need it; a replica that ends normally must not reject unheard.
  ready.catch(() => {});
  return { child, ready, printed, exited };
}
