/**
 * npm run bench:mining — mines rule suggestions from 1,000,000 synthetic decisions with 12
 * attributes (bench/generate-decisions.ts: planted rules and noise) and prints the time, the peak
 * memory, the suggestions, and the offline evaluation on a 30% holdout (coverage, precision and
 * false approvals along thresholds).
 * Targets (issue: the miner): mining at most 60 s and 2 GiB; on realistic data at least 10%
 * coverage at no more than 1% false approvals.
 *
 * Env: BENCH_DECISIONS (default 1000000), BENCH_SEED (default 7).
 */
import { encodeDecisionRecords } from '../src/mining/encode-decision-records.ts';
import { evaluateMining } from '../src/mining/evaluate.ts';
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
  seed: 1,
  curveThresholds: [0.8, 0.9, 0.95, 0.97, 0.99],
});
console.log(
  `\nevaluation (mined on ${report.trainDecisions}, measured on ${report.holdoutDecisions} held out) in ${((performance.now() - started) / 1000).toFixed(1)} s; base approval rate ${percent(report.baseApprovalRate)}`,
);
console.log('  threshold  rules  conditions  coverage  approval precision  false approvals');
for (const point of report.curve) {
  console.log(
    `  ${point.threshold.toFixed(2).padStart(9)}  ${String(point.rules).padStart(5)}  ${point.averageConditions.toFixed(1).padStart(10)}  ${percent(point.coverage).padStart(8)}  ${percent(point.approvalPrecision).padStart(18)}  ${`${percent(point.falseApprovalRate)} (${point.falseApprovals} of ${report.heldOutDenials})`.padStart(15)}`,
  );
}
const { goal } = report;
console.log(
  `goal: >= 10% coverage at <= 1% false approvals: ${goal.met ? 'MET' : 'MISSED'}${goal.best ? ` (best ${percent(goal.best.coverage)} at threshold ${goal.best.threshold}, ${percent(goal.best.falseApprovalRate)} false approvals)` : ''}`,
);

const ok = seconds <= targetSeconds && miningPeakMiB <= targetMiB;
console.log(
  `target: mining <= ${targetSeconds} s and <= ${targetMiB} MiB: ${ok ? 'MET' : 'MISSED'} (${seconds.toFixed(1)} s, ${miningPeakMiB.toFixed(0)} MiB)`,
);
process.exitCode = ok && goal.met ? 0 : 1;
