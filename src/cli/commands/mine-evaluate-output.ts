import {
  type CurvePoint,
  type CurveSeries,
  formatPercent,
  renderCurveChart,
} from '../../mining/curve-chart.ts';
import type {
  EvaluationReport,
  HoldoutMetrics,
  SplitEvaluation,
  SplitRun,
  SplitSummary,
  Spread,
} from '../../mining/evaluate.ts';
import { formatShare } from '../../mining/format-share.ts';

const count = (value: number) => value.toLocaleString('en-US');

/** Lowest and highest of some counts: one figure when they agree, `min–max` otherwise. */
function countRange(values: number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? count(low) : `${count(low)}–${count(high)}`;
}

/** A figure's mean and range over the seeds: `23.1% [21.0–25.2%]`. */
function spreadText(spread: Spread, format: (value: number) => string): string {
  return `${format(spread.mean)} [${format(spread.min).replace(/%$/, '')}–${format(spread.max)}]`;
}

const coverageText = (value: number) => `${(value * 100).toFixed(1)}%`;
const rateText = (value: number) => `${(value * 100).toFixed(2)}%`;

/** A table with a row of column groups over the column headers; cells right-aligned, groups split by `|`. */
function formatTable(groups: { name: string; headers: string[] }[], rows: string[][][]): string[] {
  const widths = groups.map((group, at) =>
    group.headers.map((header, column) =>
      Math.max(header.length, ...rows.map((row) => row[at]![column]!.length)),
    ),
  );
  const groupWidth = (at: number) =>
    widths[at]!.reduce((sum, width) => sum + width, 0) + 2 * (widths[at]!.length - 1);
  const fitted = widths.map((columns, at) => {
    const extra = Math.max(0, groups[at]!.name.length - groupWidth(at));
    return columns.map((width, column) => (column === 0 ? width + extra : width));
  });
  const line = (cells: string[][]) =>
    `  ${cells.map((group, at) => group.map((cell, column) => cell.padStart(fitted[at]![column]!)).join('  ')).join(' | ')}`.trimEnd();
  const groupLine = `  ${groups.map((group, at) => group.name.padEnd(groupWidth(at) + Math.max(0, group.name.length - groupWidth(at)))).join(' | ')}`;
  return [groupLine.trimEnd(), line(groups.map((group) => group.headers)), ...rows.map(line)];
}

const calibrationLabel: Record<SplitRun['calibration']['status'], string> = {
  calibrated: 'calibrated',
  strictest: 'strictest',
  'too-few-denials': 'too few denials',
  fixed: 'fixed',
  off: 'off',
};

/** Coverage, false approvals (count and share of denials) and rules of one point. */
const pointCells = (point: HoldoutMetrics) => [
  coverageText(point.coverage),
  `${count(point.falseApprovals)} (${rateText(point.falseApprovalRate)})`,
  count(point.rules),
];

const labelWidth = Math.max(...Object.values(calibrationLabel).map((label) => label.length));

function formatRuns(runs: SplitRun[], limit: number): string[] {
  return formatTable(
    [
      { name: '', headers: ['seed'] },
      { name: 'threshold', headers: ['how chosen'.padEnd(labelWidth), 'value'] },
      { name: 'default', headers: ['coverage', 'false appr.', 'rules', 'conds'] },
      {
        name: `best within ${formatShare(limit)}`,
        headers: ['threshold', 'coverage', 'false appr.', 'rules'],
      },
      { name: 'baseline (Wilson 0.95)', headers: ['coverage', 'false appr.', 'rules'] },
    ],
    runs.map((run) => [
      [String(run.seed)],
      [
        calibrationLabel[run.calibration.status].padEnd(labelWidth),
        `${formatPercent(run.calibration.threshold)} ${run.calibration.estimator}`,
      ],
      [...pointCells(run.metrics), run.metrics.averageConditions.toFixed(1)],
      run.best ? [formatPercent(run.best.threshold), ...pointCells(run.best)] : ['none', '-', '-', '-'],
      pointCells(run.baseline),
    ]),
  );
}

function formatSummary(split: SplitEvaluation, limit: number): string[] {
  const seeds = split.runs.length;
  const within = (points: (HoldoutMetrics | null)[]) =>
    `${points.filter((point) => point !== null && point.falseApprovalRate <= limit).length} of ${seeds} seeds within ${formatShare(limit)}`;
  const figures = (label: string, summary: SplitSummary | null, points: (HoldoutMetrics | null)[]) =>
    summary
      ? `    ${label.padEnd(9)} coverage ${spreadText(summary.coverage, coverageText)}, false approvals ${spreadText(summary.falseApprovalRate, rateText)}, ${within(points)}`
      : `    ${label.padEnd(9)} ${within(points)} (no threshold within the limit on some seeds)`;
  return [
    `  Summary over ${seeds} ${seeds === 1 ? 'seed' : 'seeds'}, mean [min–max]:`,
    figures(
      'default',
      split.summary.default,
      split.runs.map((run) => run.metrics),
    ),
    figures(
      'best',
      split.summary.best,
      split.runs.map((run) => run.best),
    ),
    figures(
      'baseline',
      split.summary.baseline,
      split.runs.map((run) => run.baseline),
    ),
  ];
}

function formatSplit(split: SplitEvaluation, limit: number): string[] {
  const { runs } = split;
  const header =
    split.split === 'random'
      ? 'Random split: decisions held out at random'
      : `Group split: whole ${split.groupAttribute} groups held out, so rules meet requesters they were not mined on`;
  return [
    header,
    `  mined on ${countRange(runs.map((run) => run.trainDecisions))} decisions, held out ${countRange(runs.map((run) => run.holdoutDecisions))}, of them denied ${countRange(runs.map((run) => run.heldOutDenials))}`,
    ...formatRuns(runs, limit),
    ...formatSummary(split, limit),
  ];
}

const point = (metrics: HoldoutMetrics): CurvePoint => ({
  falseApprovalRate: metrics.falseApprovalRate,
  coverage: metrics.coverage,
});

/**
 * The chart's series: per split the curve of its first seed with its default point marked, then the
 * baseline of each split's first seed.
 */
export function evaluationSeries(report: EvaluationReport): CurveSeries[] {
  const firstRuns = report.splits.flatMap((split) => (split.runs[0] ? [{ split, run: split.runs[0] }] : []));
  const curves = firstRuns.map(({ split, run }) => ({
    name: `${split.split} split, seed ${run.seed}`,
    points: run.curve.map(point),
    marked: point(run.metrics),
  }));
  const baseline = {
    name: `baseline (Wilson 0.95), seed ${firstRuns[0]?.run.seed ?? '-'} of each split`,
    points: firstRuns
      .map(({ run }) => point(run.baseline))
      .sort((a, b) => a.falseApprovalRate - b.falseApprovalRate),
  };
  return [...curves, baseline];
}

/** What `aperture mine evaluate` prints: per split the runs and their summary, then the chart. */
export function formatEvaluation(
  file: string,
  resourceAttributes: string[],
  report: EvaluationReport,
  gate: { target: number; threshold: number | undefined },
): string {
  const limit = report.limit.maxFalseApprovalRate;
  const thresholds =
    gate.threshold === undefined
      ? `default thresholds calibrated to at most ${formatShare(gate.target)} false approvals`
      : `threshold fixed at ${formatPercent(gate.threshold)} (--threshold): not calibrated`;
  return [
    `${file}: ${count(report.decisions)} decisions; resource side: ${resourceAttributes.join(', ')}`,
    `Seeds ${report.seeds.join(', ')}; ${formatShare(report.holdout)} held out; ${thresholds}.` +
      (report.approverGate ? '' : ' No approver column: the distinct-approver gate is off.'),
    '',
    ...report.splits.flatMap((split) => [...formatSplit(split, limit), '']),
    renderCurveChart(evaluationSeries(report), { limit }).trimEnd(),
  ].join('\n');
}
