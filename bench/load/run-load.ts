import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-spec.ts';

const loadProcess = fileURLToPath(new URL('./load-process.ts', import.meta.url));

/** Runs a load in a separate process (autocannon) against a server, and returns what it measured. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', loadProcess], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(spec));
  const [output, code] = await Promise.all([
    text(child.stdout),
    new Promise<number | null>((resolve) => child.on('close', resolve)),
  ]);
  if (code !== 0) throw new Error(`the load process exited with ${code}`);
  return JSON.parse(output) as LoadResult;
}

/** One line: throughput and the latency of each step. */
export function describeLoad(label: string, result: LoadResult): string {
  const steps = result.steps
    .map(
      (step) =>
        `${step.label} p50 ${step.p50.toFixed(1)} / p95 ${step.p95.toFixed(1)} / p99 ${step.p99.toFixed(1)} ms`,
    )
    .join('; ');
  const failed = result.failures > 0 ? ` — ${result.failures} FAILED (${result.firstFailure})` : '';
  return `${label.padEnd(40)} ${result.scenariosPerSecond.toFixed(0).padStart(6)}/s  (${result.scenarios} in ${result.seconds.toFixed(1)} s) ${steps}${failed}`;
}
