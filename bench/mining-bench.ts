/**
 * npm run bench:mining — mines rule suggestions from 1,000,000 synthetic decisions with 12
 * attributes (bench/generate-decisions.ts: planted rules and noise) and prints the time, the peak
 * memory, the suggestions, and the offline evaluation on a 30% random holdout (seed BENCH_SEED):
 * coverage, precision and false approvals of the default (calibrated) threshold, of the best
 * threshold in hindsight and of the uncalibrated baseline, then along thresholds.
 * Targets (issue: the miner): mining at most 60 s and 2 GiB; on realistic data at least 10%
 * coverage at no more than 1% false approvals.
 *
 * Env: BENCH_DECISIONS (default 1000000), BENCH_SEED (default 7).
 */
import { encodeDecisionRecords } from '../src/mining/encode-decision-records.ts';
import { evaluateMining, type HoldoutMetrics } from '../src/mining/evaluate.ts';
import { mineSuggestions } from '../src/mining/mine-rules.ts';
import { formatCondition } from '../src/mining/rule-condition.ts';
import { generateDecisions } from './generate-decisions.ts';

const decisions = Number(process.env.BENCH_DECISIONS ?? 1_000_000);
const seed = Number(process.env.BENCH_SEED ?? 7);
const targetSeconds = 60;
const targetMiB = 2048;
const peakMiB = () => (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

let started = performance.now();
const records = generateDecisions({ decisions, seed });
console.log(
  `generated ${records.length} decisions (12 attributes) in ${((performance.now() - started) / 1000).toFixed(1)} s; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
);

started = performance.now();
const result = mineSuggestions(records);
const seconds = (performance.now() - started) / 1000;
const miningPeakMiB = peakMiB();
const { stats, backtest } = result;
console.log(
  `mined in ${seconds.toFixed(1)} s: ${stats.items} attribute values (${stats.frequentItems} frequent), ${stats.pairsCounted} pairs and ${stats.triplesCounted} triples counted, ${stats.candidates} candidates`,
);
console.log(
  `removed: ${stats.removedSubsumed} subsumed, ${stats.removedRedundant} redundant, ${stats.removedCoveredByOthers} covered by others, ${stats.removedTooFewApprovers} with too few approvers`,
);
console.log(
  `${result.suggestions.length} suggestions; together they would have decided ${percent(backtest.coverage)} of the history (${backtest.autoApproved} approved, ${backtest.autoDenied} denied; humans decided otherwise ${backtest.falseApprovals} + ${backtest.falseDenials} times)`,
);
for (const suggestion of result.suggestions.slice(0, 20)) {
  const { evidence } = suggestion;
  console.log(
    `  ${suggestion.action.padEnd(7)} ${suggestion.conditions.map(formatCondition).join(' & ').padEnd(100)} n=${evidence.support} lb=${evidence.lowerBound.toFixed(3)} approvers=${evidence.distinctApprovers} reach=${evidence.reach.undecidedPairs}`,
  );
}
if (result.suggestions.length > 20) console.log(`  ... and ${result.suggestions.length - 20} more`);
console.log(`peak RSS through mining (input records included): ${miningPeakMiB.toFixed(0)} MiB`);

started = performance.now();
const report = evaluateMining(encodeDecisionRecords(records), {
  holdout: 0.3,
  seeds: [seed],
  splits: ['random'],
  curveThresholds: [0.8, 0.9, 0.95, 0.97, 0.99],
});
const run = report.splits[0]!.runs[0]!;
const limit = report.limit.maxFalseApprovalRate;
console.log(
  `\nevaluation (random split, seed ${seed}: mined on ${run.trainDecisions}, measured on ${run.holdoutDecisions} held out) in ${((performance.now() - started) / 1000).toFixed(1)} s; base approval rate ${percent(run.baseApprovalRate)}`,
);
const falseApprovals = (point: HoldoutMetrics) =>
  `${(point.falseApprovalRate * 100).toFixed(2)}% (${point.falseApprovals} of ${run.heldOutDenials})`;
const row = (label: string, point: HoldoutMetrics) =>
  `  ${label.padEnd(9)}  ${String(Number(point.threshold.toFixed(4))).padStart(9)}  ${String(point.rules).padStart(5)}  ${point.averageConditions.toFixed(1).padStart(10)}  ${percent(point.coverage).padStart(8)}  ${percent(point.approvalPrecision).padStart(18)}  ${falseApprovals(point).padStart(15)}`;
const header = '             threshold  rules  conditions  coverage  approval precision  false approvals';
console.log(`  default threshold: ${run.calibration.status} (${run.calibration.estimator})`);
console.log(header);
console.log(row('default', run.metrics));
console.log(row(`best ${percent(limit)}`, run.best ?? run.metrics));
if (!run.best) console.log(`  (no threshold of the curve kept false approvals within ${percent(limit)})`);
console.log(row('baseline', run.baseline));
console.log(`curve (${run.calibration.estimator}):`);
console.log(header);
for (const point of run.curve) console.log(row('', point));
const met = (point: HoldoutMetrics | null) =>
  point !== null && point.coverage >= report.limit.minCoverage && point.falseApprovalRate <= limit;
console.log(
  `goal: >= ${percent(report.limit.minCoverage)} coverage at <= ${percent(limit)} false approvals: default ${met(run.metrics) ? 'MET' : 'MISSED'}, best in hindsight ${met(run.best) ? 'MET' : 'MISSED'}, baseline ${met(run.baseline) ? 'MET' : 'MISSED'}`,
);

const ok = seconds <= targetSeconds && miningPeakMiB <= targetMiB;
console.log(
  `target: mining <= ${targetSeconds} s and <= ${targetMiB} MiB: ${ok ? 'MET' : 'MISSED'} (${seconds.toFixed(1)} s, ${miningPeakMiB.toFixed(0)} MiB)`,
);
process.exitCode = ok && met(run.metrics) ? 0 : 1;
