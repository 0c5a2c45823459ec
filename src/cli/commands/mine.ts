import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { formatPercent } from '../../mining/curve-chart.ts';
import { formatCondition } from '../../mining/rule-condition.ts';
import { calibrationSentence } from '../../mining/suggestion-promise.ts';
import type { MiningRunSummary } from '../../mining/workflow/store-mining-result.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';
import { withServices } from '../command-context.ts';
import { evaluationSeries, formatEvaluation } from './mine-evaluate-output.ts';

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
