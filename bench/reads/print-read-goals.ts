import type { LoadResult } from '../load/load-spec.ts';
import { describeLoad } from '../load/run-load.ts';
import type { ReadFigures } from './read-bench.ts';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');

/** Prints one database's figures and a MET/MISSED line per goal of issue 14; returns whether all were met. */
export function printReadGoals(
  figures: ReadFigures,
  targets: { coldSearchMs: number | null; fullSliceMs: number },
): boolean {
  const lines: [string, boolean][] = [];
  console.log(
    `== ${figures.database}: import ${figures.importSeconds.toFixed(1)} s; catalog index ${figures.catalogIndexMs.toFixed(0)} ms; service RSS ${mib(figures.serviceRssBytes)}`,
  );
  for (const [name, runs] of [
    ['search page', figures.search],
    ['dataset(path)', figures.dataset],
  ] as const) {
    console.log(describeLoad(`${name}: bare yoga floor`, runs.floor));
    console.log(describeLoad(`${name}: aperture`, runs.service));
    console.log(describeLoad(`${name}: aperture, authorization off`, runs.off));
    const share = runs.service.scenariosPerSecond / runs.floor.scenariosPerSecond;
    const overhead = runs.off.scenariosPerSecond / runs.service.scenariosPerSecond;
    const step = runs.service.steps[0]!;
    lines.push([`${name} throughput >= 50% of the floor: ${(share * 100).toFixed(1)}%`, share >= 0.5]);
    lines.push([`${name} p99 <= 3x p50: ${(step.p99 / step.p50).toFixed(1)}x`, step.p99 <= 3 * step.p50]);
    lines.push([`${name} authorization overhead <= 1.3x: ${overhead.toFixed(2)}x`, overhead <= 1.3]);
    lines.push([`${name} answered without failures`, failures(runs.service, runs.off, runs.floor) === 0]);
  }
  lines.push([
    `cold full-catalog slice for one viewer <= ${targets.fullSliceMs} ms: ${figures.fullSliceMs.toFixed(0)} ms`,
    figures.fullSliceMs <= targets.fullSliceMs,
  ]);
  if (targets.coldSearchMs !== null)
    lines.push([
      `first search page after a policy change <= ${targets.coldSearchMs} ms: ${figures.coldSearchMs.toFixed(0)} ms`,
      figures.coldSearchMs <= targets.coldSearchMs,
    ]);
  else console.log(`first search page after a policy change: ${figures.coldSearchMs.toFixed(0)} ms`);
  for (const [line, met] of lines) console.log(`${verdict(met).padEnd(6)} ${figures.database}: ${line}`);
  return lines.every(([, met]) => met);
}

function failures(...results: LoadResult[]): number {
  return results.reduce((sum, result) => sum + result.failures, 0);
}
