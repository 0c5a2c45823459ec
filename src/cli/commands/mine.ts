import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
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
import { formatCondition } from '../../mining/rule-condition.ts';
import { calibrationSentence } from '../../mining/suggestion-promise.ts';
import type { MiningRunSummary } from '../../mining/workflow/store-mining-result.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';
import { withServices } from '../command-context.ts';

/** Comma-separated whole numbers, e.g. `1,2,3`. */
const seedListSchema = z
  .string()
  .regex(/^\s*-?\d+\s*(,\s*-?\d+\s*)*$/, 'must be whole numbers separated by commas, e.g. 1,2,3')
  .transform((list) => list.split(',').map(Number));

const evaluateOptionsSchema = z
  .object({
    csv: z.string().min(1),
    label: z.string().min(1),
    approved: z.string(),
    resourceColumn: z.array(z.string().min(1)).default([]),
    split: z.array(z.enum(['random', 'group'], { message: 'must be random or group' })).optional(),
    groupColumn: z.string().min(1).optional(),
    seeds: seedListSchema.optional(),
    seed: z.coerce.number().int('must be an integer').optional(),
    holdout: z.coerce.number().gt(0, 'must be between 0 and 1').lt(1, 'must be between 0 and 1').default(0.3),
    threshold: z.coerce.number().min(0.5).lt(1).optional(),
    minSupport: z.coerce.number().int().min(1).optional(),
    maxFalseApprovals: z.coerce
      .number()
      .gt(0, 'must be a share above 0 and below 0.5, e.g. 0.01')
      .lt(0.5, 'must be a share above 0 and below 0.5, e.g. 0.01')
      .default(0.01),
    plot: z.string().min(1).optional(),
    json: z.boolean().default(false),
  })
  .refine((options) => options.seeds === undefined || options.seed === undefined, {
    message: 'give --seeds or --seed, not both',
    path: ['seeds'],
  })
  .refine((options) => options.groupColumn === undefined || (options.split ?? ['group']).includes('group'), {
    message: '--group-column needs a group split (--split group)',
    path: ['groupColumn'],
  });

const runOptionsSchema = z.object({
  threshold: z.coerce.number().min(0.5).lt(1).optional(),
  minSupport: z.coerce.number().int().min(1).optional(),
  minApprovers: z.coerce.number().int().min(0).optional(),
  json: z.boolean().default(false),
});

const count = (value: number) => value.toLocaleString('en-US');

/** The run summary as `aperture mine` prints it. */
export function formatRun(run: MiningRunSummary): string {
  const { suggestions: found, backtest } = run;
  const skipped = run.skipped > 0 ? ` (${count(run.skipped)} left out: unreadable snapshots)` : '';
  return [
    `Mined ${count(run.decisions)} decisions from ${count(run.requests)} requests people decided${skipped}; run ${run.runId}.`,
    `Suggestions found: ${count(found.mined)}`,
    `  new                      ${count(found.new)}${found.resurfaced > 0 ? ` (${count(found.resurfaced)} back after a rejection, on new evidence)` : ''}`,
    `  still NEW, refreshed     ${count(found.refreshed)}`,
    `  superseded               ${count(found.superseded)}`,
    `  withheld (rejected)      ${count(found.withheldRejected)}`,
    `  withheld (accepted)      ${count(found.withheldAccepted)}`,
    `Together they would decide ${percent(backtest.coverage)} of the history: ${count(backtest.autoApproved)} auto-approved (${count(backtest.falseApprovals)} that people denied), ${count(backtest.autoDenied)} auto-denied (${count(backtest.falseDenials)} that people approved).`,
    ...formatCalibration(run),
    ...formatNotMe(run),
    found.new + found.refreshed > 0
      ? 'Review them with the GraphQL query ruleSuggestions(status: [NEW]) as a governance lead.'
      : 'Nothing new to review.',
  ].join('\n');
}

/** The "not me" decisions left out of the counts and the approve rules they vetoed; nothing when none. */
function formatNotMe(run: MiningRunSummary): string[] {
  const { notMeDecisions } = run.stats;
  if (notMeDecisions === 0 && run.vetoed.length === 0) return [];
  const lines = [
    `Requests the person called "not me": ${count(notMeDecisions)} decisions, in no rate or approver count; no approve rule that matches one is suggested.`,
  ];
  if (run.vetoed.length > 0) {
    lines.push(`Not suggested, would approve "not me" requests (${count(run.vetoed.length)}):`);
    for (const rule of run.vetoed) {
      const conditions = rule.conditions.map(formatCondition).join(' and ');
      lines.push(
        `  approve when ${conditions}: ${count(rule.support)} decisions, ${count(rule.notMe)} "not me" (${rule.notMeExamples.join(', ')})`,
      );
    }
  }
  return lines;
}

const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

/** The line of `aperture mine` that says how the run's threshold was chosen; none for older runs. */
function formatCalibration(run: MiningRunSummary): string[] {
  const { calibration } = run;
  if (!calibration) return [];
  return [
    `Threshold ${formatPercent(calibration.threshold)} (${calibration.estimator}). ${calibrationSentence(calibration)}`,
  ];
}

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

function formatEvaluation(
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

/**
 * The attribute a `--group-column` names: a requester column of the CSV. Other columns are
 * refused, naming the requester columns there are.
 */
function groupAttributeOf(column: string, attributes: { column: string; attribute: string }[]): string {
  const requesterColumns = attributes.filter(({ attribute }) => attribute.startsWith('human.'));
  const found = attributes.find((entry) => entry.column === column);
  if (found?.attribute.startsWith('human.')) return found.attribute;
  const listed = requesterColumns.map((entry) => entry.column).join(', ') || 'none';
  throw new InvalidInputError('mine evaluate options', [
    {
      location: 'groupColumn',
      message: found
        ? `"${column}" does not describe the requester; a group split holds out requester groups (requester columns: ${listed})`
        : `no requester column "${column}" in the CSV (requester columns: ${listed})`,
    },
  ]);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerMiningCommands(program: Command): void {
  const mine = program
    .command('mine')
    .description('rule suggestions mined from the decisions people made on access requests');
  mine
    .command('run', { isDefault: true })
    .description(
      'mine the decision history now and store the suggestions for review (the default: `aperture mine`)',
    )
    .option(
      '--threshold <bound>',
      'fix the threshold a suggestion must reach (default: calibrated on the history; 0.95 when it has too few denials)',
    )
    .option('--min-support <n>', 'fewest decisions a suggestion must match (default 20)')
    .option('--min-approvers <n>', 'fewest distinct people who made those decisions (default 2)')
    .option('--json', 'print the run summary as JSON')
    .action((raw: unknown) =>
      withServices(async ({ mining }) => {
        const { progressReporter } = await import('../progress.ts');
        const options = validateInput(runOptionsSchema, raw, 'mine options');
        const progress = progressReporter();
        let run: MiningRunSummary;
        try {
          run = await mining.run(
            'cli',
            {
              ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
              ...(options.minSupport === undefined ? {} : { minSupport: options.minSupport }),
              ...(options.minApprovers === undefined ? {} : { minDistinctApprovers: options.minApprovers }),
            },
            progress.report,
          );
        } finally {
          progress.stop();
        }
        console.log(options.json ? JSON.stringify(run, null, 2) : formatRun(run));
      }),
    );
  mine
    .command('evaluate')
    .description(
      'mine rules on part of a decision table (CSV) and measure them on the held-out rest, per split and seed: coverage and false approvals of the default (calibrated) run, of the best threshold in hindsight and of the uncalibrated baseline, with the curve over thresholds as a chart',
    )
    .requiredOption('--csv <file>', 'the decision table: a header row, then one decision per row')
    .requiredOption('--label <column>', 'the outcome column')
    .requiredOption('--approved <value>', 'the outcome value that means approved (anything else is denied)')
    .option(
      '--resource-column <column>',
      'a column describing the resource (repeatable; default: "resource" and resource.* columns); the other columns describe the requester',
      collect,
    )
    .option(
      '--split <kind>',
      'how decisions are held out: random, or group (whole requester groups); repeatable (default: both)',
      collect,
    )
    .option(
      '--group-column <column>',
      'the requester column whose values are the groups of a group split (default: the one with the most distinct values)',
    )
    .option('--seeds <list>', 'seeds of the splits, comma-separated (default 1,2,3,4,5)')
    .option('--seed <n>', 'a single seed (the same as --seeds <n>)')
    .option('--holdout <fraction>', 'share of decisions held out for measuring', '0.3')
    .option(
      '--threshold <bound>',
      'fix the threshold a rule must reach (default: calibrated on the training part)',
    )
    .option('--min-support <n>', 'fewest decisions a rule must match (default 20)')
    .option(
      '--max-false-approvals <share>',
      'the calibration target: false approvals as a share of denied requests (default 0.01)',
    )
    .option('--plot <file.svg>', 'also write the coverage vs false-approval chart as an SVG file')
    .option('--json', 'print the report as JSON')
    .action(async (raw: unknown) => {
      const [{ evaluateMining }, { readDecisionCsv }, { renderCurveSvg }, { writeFile }] = await Promise.all([
        import('../../mining/evaluate.ts'),
        import('../../mining/read-decision-csv.ts'),
        import('../../mining/curve-svg.ts'),
        import('node:fs/promises'),
      ]);
      const options = validateInput(evaluateOptionsSchema, raw, 'mine evaluate options');
      const { table, attributes } = await readDecisionCsv(options.csv, {
        label: options.label,
        approved: options.approved,
        resourceColumns: options.resourceColumn,
      });
      const groupAttribute =
        options.groupColumn === undefined ? undefined : groupAttributeOf(options.groupColumn, attributes);
      const seeds = options.seeds ?? (options.seed === undefined ? undefined : [options.seed]);
      const report = evaluateMining(table, {
        holdout: options.holdout,
        ...(seeds === undefined ? {} : { seeds }),
        ...(options.split === undefined ? {} : { splits: [...new Set(options.split)] }),
        ...(groupAttribute === undefined ? {} : { groupAttribute }),
        mining: {
          maxFalseApprovalRate: options.maxFalseApprovals,
          ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
          ...(options.minSupport === undefined ? {} : { minSupport: options.minSupport }),
        },
      });
      if (options.plot !== undefined) {
        const svg = renderCurveSvg(evaluationSeries(report), {
          limit: report.limit.maxFalseApprovalRate,
          title: `${path.basename(options.csv)}: coverage vs false approvals`,
        });
        await writeFile(options.plot, svg);
      }
      if (options.json) {
        console.log(JSON.stringify({ file: options.csv, attributes, ...report }, null, 2));
      } else {
        const resourceAttributes = attributes
          .filter(({ attribute }) => attribute.startsWith('resource.'))
          .map(({ column }) => column);
        console.log(
          formatEvaluation(options.csv, resourceAttributes, report, {
            target: options.maxFalseApprovals,
            threshold: options.threshold,
          }),
        );
      }
      if (options.plot !== undefined) (options.json ? console.error : console.log)(`wrote ${options.plot}`);
    });
}
