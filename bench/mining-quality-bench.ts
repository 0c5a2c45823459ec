/**
 * npm run bench:mining-quality — how good the mined rules are on held-out decisions, on every
 * public access-decision data set found on this machine (bench/mining-quality/data-sets.ts) and on
 * a synthetic history (bench/generate-decisions.ts), beside the two things they must beat.
 *
 * For each data set, split (random; whole requester groups held out: the data set's group column,
 * or the widest requester attribute of the synthetic history) and seed, it mines on the training
 * 70% and measures on the held-out 30% (src/mining/evaluate.ts):
 *   - default:  the miner as the service runs it (threshold calibrated on the training part);
 *   - best:     the point of the threshold curve with the most coverage within 1% false approvals,
 *               chosen in hindsight on the held-out part (what tuning could at best reach);
 *   - baseline: the miner before calibration (Wilson bound 0.95);
 *   - logistic: a pairwise logistic regression (bench/mining-quality/pairwise-logistic.ts) trained
 *               on the same training part, auto-approving above a threshold chosen in hindsight on
 *               the held-out part for at most 1% false approvals (an upper bound for that model),
 *               and its ROC AUC. Its coverage is the floor the rules are compared with.
 * False approvals are held-out decisions humans denied that a rule approves, as a share of the
 * held-out denials. "Not me" decisions are left out of the measures, as the evaluation does.
 *
 * Goals: the default run keeps false approvals <= 1% on held-out decisions; at <= 1% false
 * approvals the rules cover at least what the logistic regression covers with a hindsight
 * threshold; at most 40 rules of at most 3 conditions each (the miner's maxConditions caps the
 * conditions; the bench checks the rule count). The exit code is 1 when a goal is missed.
 *
 * Options: --plot DIR (or BENCH_PLOT_DIR) writes DIR/<data set>.svg: per split, the rules' curve of
 * seed 1 with its default point marked, and the logistic regression's hindsight curve.
 * Env: BENCH_SEEDS (default "1,2,3,4,5"; a list or a range like "1..10"), BENCH_DECISIONS (synthetic
 * decisions, default 60000), BENCH_SEED (seed of the synthetic history, default 21),
 * APERTURE_DATA_DIR (where to look for the public data files first).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CurveSeries, renderCurveChart } from '../src/mining/curve-chart.ts';
import { renderCurveSvg } from '../src/mining/curve-svg.ts';
import { type DecisionTable, splitNotMe } from '../src/mining/decision-table.ts';
import { encodeDecisionRecords } from '../src/mining/encode-decision-records.ts';
import {
  type EvaluationReport,
  evaluateMining,
  evaluationGoal,
  type HoldoutMetrics,
  type SplitEvaluation,
  type SplitKind,
  type SplitRun,
  type Spread,
  spread,
} from '../src/mining/evaluate.ts';
import { groupHoldoutSplit, holdoutSplit, widestRequesterAttribute } from '../src/mining/holdout-split.ts';
import { generateDecisions } from './generate-decisions.ts';
import { dataSets, findDataSet, loadDataSet } from './mining-quality/data-sets.ts';
import {
  areaUnderRoc,
  hindsightCurve,
  hindsightOperatingPoint,
  type OperatingPoint,
  scoreRows,
  trainPairwiseLogistic,
} from './mining-quality/pairwise-logistic.ts';

const limit = evaluationGoal.maxFalseApprovalRate;
const maxRules = 40;
const holdout = 0.3;
const splits: SplitKind[] = ['random', 'group'];
/** False-approval limits of the logistic regression's hindsight curve in the plots. */
const logisticCurveRates = [0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03];
/** The plots show up to 3% false approvals: three times the limit, where the choices are made. */
const plotMaxFalseApprovalRate = 0.03;

const seeds = parseSeeds(process.env.BENCH_SEEDS ?? '1,2,3,4,5');
const syntheticDecisions = Number(process.env.BENCH_DECISIONS ?? 60_000);
const syntheticSeed = Number(process.env.BENCH_SEED ?? 21);
const plotDir = plotDirectory(process.argv.slice(2)) ?? process.env.BENCH_PLOT_DIR;

/** A decision table to measure on, with the requester attribute its group split holds out. */
interface BenchDataSet {
  name: string;
  table: DecisionTable;
  groupAttribute: string;
  loadSeconds: number;
}

/** The logistic regression on one split of one seed. */
interface LogisticRun {
  seed: number;
  auc: number;
  atLimit: OperatingPoint;
  curve: ReturnType<typeof hindsightCurve>;
  seconds: number;
}

/** One split of one data set: the evaluation's runs beside the logistic regression's. */
interface SplitResult {
  evaluation: SplitEvaluation;
  logistic: LogisticRun[];
  evaluateSeconds: number;
}

const benchStarted = performance.now();
console.log(
  `mining quality: seeds ${seeds.join(', ')}; ${holdout * 100}% held out; limit ${percent(limit)} false approvals of held-out denials`,
);
const goalsMissed: string[] = [];
for (const dataSet of await availableDataSets()) {
  const results = splits.map((split) => measureSplit(dataSet, split));
  for (const result of results) printSplit(dataSet, result);
  printChart(dataSet, results);
  if (plotDir) await writePlot(plotDir, dataSet, results);
  goalsMissed.push(...missedGoals(dataSet, results));
}
console.log(`\ntotal ${seconds(benchStarted).toFixed(1)} s`);
if (goalsMissed.length > 0)
  console.log(`goals missed:\n${goalsMissed.map((goal) => `  ${goal}`).join('\n')}`);
else console.log('all goals met');
process.exitCode = goalsMissed.length === 0 ? 0 : 1;

/** The public data sets found here (the missing ones explained) and the synthetic history. */
async function availableDataSets(): Promise<BenchDataSet[]> {
  const found: BenchDataSet[] = [];
  for (const entry of dataSets) {
    const lookup = await findDataSet(entry);
    if (!lookup.found) {
      console.log(`\nskipped ${entry.name} (${lookup.problem}):\n${indent(lookup.reason)}`);
      continue;
    }
    const started = performance.now();
    const { table, attributes } = await loadDataSet(entry);
    const groupAttribute = attributes.find(({ column }) => column === entry.groupColumn)?.attribute;
    if (!groupAttribute) throw new Error(`${entry.name}: no column ${entry.groupColumn} in ${lookup.path}`);
    found.push({ name: entry.name, table, groupAttribute, loadSeconds: seconds(started) });
  }
  const started = performance.now();
  const table = encodeDecisionRecords(
    generateDecisions({ decisions: syntheticDecisions, seed: syntheticSeed }),
  );
  const groupAttribute = widestRequesterAttribute(table);
  if (!groupAttribute) throw new Error('the synthetic history has no requester attribute');
  found.push({
    name: `synthetic-${syntheticDecisions}-seed-${syntheticSeed}`,
    table,
    groupAttribute,
    loadSeconds: seconds(started),
  });
  return found;
}

function measureSplit(dataSet: BenchDataSet, split: SplitKind): SplitResult {
  const { table, groupAttribute } = dataSet;
  let started = performance.now();
  const report: EvaluationReport = evaluateMining(table, { holdout, seeds, splits: [split], groupAttribute });
  const evaluateSeconds = seconds(started);
  const logistic = seeds.map((seed): LogisticRun => {
    started = performance.now();
    // The same parts the evaluation used, "not me" decisions left out of both.
    const parts =
      split === 'random'
        ? holdoutSplit(table.size, holdout, seed)
        : groupHoldoutSplit(table, groupAttribute, holdout, seed);
    const train = splitNotMe(table, parts.train).counted;
    const test = splitNotMe(table, parts.test).counted;
    const model = trainPairwiseLogistic(table, train, { seed });
    const scores = scoreRows(model, table, test);
    return {
      seed,
      auc: areaUnderRoc(scores, table, test),
      atLimit: hindsightOperatingPoint(scores, table, test, limit),
      curve: hindsightCurve(scores, table, test, logisticCurveRates),
      seconds: seconds(started),
    };
  });
  return { evaluation: report.splits[0]!, logistic, evaluateSeconds };
}

function printSplit(dataSet: BenchDataSet, { evaluation, logistic, evaluateSeconds }: SplitResult): void {
  const { table } = dataSet;
  const how =
    evaluation.split === 'random'
      ? 'random split'
      : `group split (whole ${evaluation.groupAttribute} groups held out)`;
  console.log(`\n== ${dataSet.name}: ${table.size} decisions, ${how}`);
  console.log(
    'seed  run       threshold  coverage  false approvals (of held-out denials)  rules  conditions  (default: calibration, estimator)',
  );
  evaluation.runs.forEach((run, index) => {
    const lr = logistic[index]!;
    const rows: [string, HoldoutMetrics | null][] = [
      ['default', run.metrics],
      ['best<=1%', run.best],
      ['baseline', run.baseline],
    ];
    rows.forEach(([name, metrics], row) => {
      const seedColumn = row === 0 ? String(run.seed) : '';
      const note = row === 0 ? `  ${run.calibration.status}, ${run.calibration.estimator}` : '';
      console.log(`${seedColumn.padEnd(6)}${name.padEnd(10)}${metricsColumns(metrics, run)}${note}`);
    });
    console.log(
      `${''.padEnd(6)}${'logistic'.padEnd(10)}${'hindsight'.padStart(9)}  ${percent(lr.atLimit.coverage).padStart(8)}  ${falseApprovals(lr.atLimit.falseApprovals, run.heldOutDenials).padEnd(37)}  AUC ${lr.auc.toFixed(3)}`,
    );
  });

  const { summary } = evaluation;
  const floor = spread(logistic.map((lr) => lr.atLimit.coverage));
  console.log(`summary over ${seeds.length} seeds, mean [min-max]:`);
  console.log(`  default   ${summaryColumns(summary.default)}`);
  console.log(
    `  best<=1%  ${summary.best ? summaryColumns(summary.best) : 'none: some seed has no curve point within the limit'}`,
  );
  console.log(`  baseline  ${summaryColumns(summary.baseline)}`);
  console.log(
    `  logistic  coverage ${spreadText(floor, percent)}, false approvals ${spreadText(spread(logistic.map((lr) => lr.atLimit.falseApprovalRate)), percent)}, AUC ${spreadText(spread(logistic.map((lr) => lr.auc)), (value) => value.toFixed(3))}`,
  );
  const runs = evaluation.runs;
  const defaultAtFloor = runs.filter((run, index) => defaultReachesFloor(run, logistic[index]!)).length;
  const bestAtFloor = runs.filter((run, index) => bestReachesFloor(run, logistic[index]!)).length;
  console.log(
    `  default within ${percent(limit)}: ${evaluation.seedsWithinLimit}/${runs.length} seeds; floor (logistic hindsight coverage at <= ${percent(limit)}) ${spreadText(floor, percent)}`,
  );
  console.log(
    `  coverage >= floor within the limit, same seed: default ${defaultAtFloor}/${runs.length}, best ${bestAtFloor}/${runs.length}; default at ${ratio(summary.default.coverage.mean, floor.mean)} of the floor, best at ${summary.best ? ratio(summary.best.coverage.mean, floor.mean) : '-'}`,
  );
  const logisticSeconds = logistic.reduce((sum, lr) => sum + lr.seconds, 0);
  console.log(
    `  time: evaluation ${evaluateSeconds.toFixed(1)} s (${runs[0]!.curve.length + 2} minings per seed: default, baseline, curve), logistic ${logisticSeconds.toFixed(1)} s; data ${dataSet.loadSeconds.toFixed(1)} s`,
  );
}

function metricsColumns(metrics: HoldoutMetrics | null, run: SplitRun): string {
  if (!metrics) return `${'-'.padStart(9)}  no curve point within ${percent(limit)}`;
  return [
    metrics.threshold.toFixed(4).padStart(9),
    percent(metrics.coverage).padStart(8),
    falseApprovals(metrics.falseApprovals, run.heldOutDenials).padEnd(37),
    String(metrics.rules).padStart(5),
    metrics.averageConditions.toFixed(1).padStart(10),
  ].join('  ');
}

function summaryColumns(summary: NonNullable<SplitEvaluation['summary']['best']>): string {
  return [
    `coverage ${spreadText(summary.coverage, percent)}`,
    `false approvals ${spreadText(summary.falseApprovalRate, percent)}`,
    `rules ${spreadText(summary.rules, (value) => value.toFixed(1))}`,
    `conditions ${spreadText(summary.averageConditions, (value) => value.toFixed(1))}`,
  ].join(', ');
}

function defaultReachesFloor(run: SplitRun, lr: LogisticRun): boolean {
  return run.metrics.falseApprovalRate <= limit && run.metrics.coverage >= lr.atLimit.coverage;
}

function bestReachesFloor(run: SplitRun, lr: LogisticRun): boolean {
  return run.best !== null && run.best.coverage >= lr.atLimit.coverage;
}

/** The goals this data set misses, one line each. */
function missedGoals(dataSet: BenchDataSet, results: SplitResult[]): string[] {
  return results.flatMap(({ evaluation, logistic }) => {
    const where = `${dataSet.name}, ${evaluation.split} split`;
    const runs = evaluation.runs;
    const missed: string[] = [];
    if (evaluation.seedsWithinLimit < runs.length) {
      missed.push(
        `${where}: default within ${percent(limit)} on ${evaluation.seedsWithinLimit}/${runs.length} seeds`,
      );
    }
    const atFloor = runs.filter((run, index) => defaultReachesFloor(run, logistic[index]!)).length;
    if (atFloor < runs.length) {
      missed.push(
        `${where}: default coverage >= the logistic floor within the limit on ${atFloor}/${runs.length} seeds`,
      );
    }
    const tooMany = runs.filter((run) => run.metrics.rules > maxRules).length;
    if (tooMany > 0) missed.push(`${where}: more than ${maxRules} rules on ${tooMany}/${runs.length} seeds`);
    return missed;
  });
}

/** Per split, the rules' curve of the first seed (default marked) and the logistic regression's. */
function curveSeries(results: SplitResult[]): CurveSeries[] {
  return results.flatMap(({ evaluation, logistic }) => {
    const run = evaluation.runs[0]!;
    const lr = logistic[0]!;
    return [
      {
        name: `rules, ${evaluation.split} split, seed ${run.seed}`,
        points: run.curve.map(curvePoint),
        marked: curvePoint(run.metrics),
      },
      {
        name: `logistic regression (hindsight threshold), ${evaluation.split} split, seed ${lr.seed}`,
        points: lr.curve.map(curvePoint),
      },
    ];
  });
}

function curvePoint(point: { falseApprovalRate: number; coverage: number }) {
  return { falseApprovalRate: point.falseApprovalRate, coverage: point.coverage };
}

function printChart(dataSet: BenchDataSet, results: SplitResult[]): void {
  console.log(`\n${dataSet.name}: coverage vs false approvals on held-out decisions`);
  console.log(
    renderCurveChart(curveSeries(results), {
      limit,
      maxFalseApprovalRate: plotMaxFalseApprovalRate,
      width: 72,
    }),
  );
}

async function writePlot(directory: string, dataSet: BenchDataSet, results: SplitResult[]): Promise<void> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${dataSet.name}.svg`);
  const svg = renderCurveSvg(curveSeries(results), {
    limit,
    maxFalseApprovalRate: plotMaxFalseApprovalRate,
    title: `${dataSet.name}: coverage vs false approvals on held-out decisions`,
  });
  await writeFile(file, svg);
  console.log(`wrote ${file}`);
}

/** "1,2,3" or "1..5" (or a mix: "1..3,7"). */
function parseSeeds(text: string): number[] {
  const parsed = text.split(',').flatMap((part) => {
    const range = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(part);
    if (!range) return [Number(part)];
    const [from, to] = [Number(range[1]), Number(range[2])];
    return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
  });
  if (parsed.length === 0 || !parsed.every(Number.isInteger)) {
    throw new Error(`BENCH_SEEDS must be whole numbers like "1,2,3" or "1..5", got "${text}"`);
  }
  return parsed;
}

function plotDirectory(args: string[]): string | undefined {
  const at = args.indexOf('--plot');
  if (at < 0) return undefined;
  const directory = args[at + 1];
  if (!directory || directory.startsWith('--')) throw new Error('--plot needs a directory');
  return directory;
}

function spreadText(value: Spread, format: (value: number) => string): string {
  return `${format(value.mean)} [${format(value.min)}-${format(value.max)}]`;
}

function falseApprovals(count: number, denials: number): string {
  return `${count} (${percent(denials === 0 ? 0 : count / denials)} of ${denials})`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

function ratio(value: number, floor: number): string {
  return floor === 0 ? '-' : `${(value / floor).toFixed(2)}x`;
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
