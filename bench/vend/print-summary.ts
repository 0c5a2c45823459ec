import type { LoadResult } from '../load/load-spec.ts';
import { percentile } from '../load/percentile.ts';
import type { QueryCostFigures } from './query-cost.ts';
import type { RevocationFigures } from './revocation-latency.ts';
import type { VendFigures } from './vend-latency.ts';

/** The target: a revoked delegation's sessions end within 2 s (p95). */
export const revocationTargetMs = 2000;

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '-');
const row = (cells: string[]) =>
  console.log(cells.map((cell, index) => (index === 0 ? cell.padEnd(44) : cell.padStart(12))).join(' '));

function stepRow(label: string, result: LoadResult, step: string, extra: string): void {
  const latency = result.steps.find((candidate) => candidate.label === step);
  row([
    label,
    ms(latency?.p50 ?? Number.NaN),
    ms(latency?.p95 ?? Number.NaN),
    ms(latency?.p99 ?? Number.NaN),
    `${result.requestsPerSecond.toFixed(0)}/s`,
    extra,
  ]);
}

/** The table at the end; returns whether the revocation target was met. */
export function printSummary(figures: {
  connections: number;
  vend: VendFigures;
  revocation: RevocationFigures;
  queries: QueryCostFigures;
}): boolean {
  const { connections, vend, revocation, queries } = figures;
  console.log('\n== summary');
  row(['', 'p50', 'p95', 'p99', 'rate', '']);
  stepRow(
    `vendDatabaseCredential, ${connections} connections`,
    vend.vend,
    'vend',
    `${vend.loginsVended} logins`,
  );
  stepRow(`floor: { viewer }, ${connections} connections`, vend.floor, 'viewer', '');
  const vendStep = vend.vend.steps.find((step) => step.label === 'vend');
  const floorStep = vend.floor.steps.find((step) => step.label === 'viewer');
  row([
    'vend / floor',
    `${((vendStep?.p50 ?? Number.NaN) / (floorStep?.p50 ?? Number.NaN)).toFixed(1)}x`,
    `${((vendStep?.p95 ?? Number.NaN) / (floorStep?.p95 ?? Number.NaN)).toFixed(1)}x`,
    `${((vendStep?.p99 ?? Number.NaN) / (floorStep?.p99 ?? Number.NaN)).toFixed(1)}x`,
    `${((vend.vend.requestsPerSecond / vend.floor.requestsPerSecond) * 100).toFixed(1)}%`,
    '',
  ]);
  stepRow(
    `releaseDatabaseCredential, ${connections} connections`,
    vend.release,
    'release',
    `${vend.loginsLeft} left`,
  );
  console.log('');
  row(['revocation -> session terminated (57P01)', 'p50', 'p95', 'max', 'n', '']);
  let met = true;
  for (const [label, values] of [
    ['one at a time', revocation.sequential],
    ['all at once', revocation.burst],
  ] as const) {
    const p95 = percentile(values, 95);
    const ok = values.length > 0 && p95 <= revocationTargetMs;
    met &&= ok;
    row([
      `  ${label}`,
      ms(percentile(values, 50)),
      ms(p95),
      ms(Math.max(...values)),
      String(values.length),
      ok ? 'MET' : 'NOT MET',
    ]);
  }
  row([
    '  (revoke mutation answer, one at a time)',
    ms(percentile(revocation.mutationMs, 50)),
    ms(percentile(revocation.mutationMs, 95)),
    ms(Math.max(...revocation.mutationMs)),
    String(revocation.mutationMs.length),
    '',
  ]);
  if (revocation.notTerminated.length > 0)
    console.log(`  NOT TERMINATED: ${revocation.notTerminated.join('; ')}`);
  console.log(
    `${met && revocation.notTerminated.length === 0 ? 'MET' : 'NOT MET'}: revocation -> termination p95 <= ${revocationTargetMs} ms`,
  );
  console.log('');
  row(['query (p50)', 'view+RLS', 'owner', 'ratio', 'runs', 'rows']);
  for (const compared of queries.comparisons) {
    row([
      `  ${compared.label}`,
      ms(compared.viewP50),
      ms(compared.ownerP50),
      `${(compared.viewP50 / compared.ownerP50).toFixed(2)}x`,
      String(compared.runs),
      String(compared.rows),
    ]);
  }
  return met && revocation.notTerminated.length === 0;
}
