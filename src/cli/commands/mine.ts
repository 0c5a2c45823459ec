import type { Command } from 'commander';
import { z } from 'zod';
import type { EvaluationReport, HoldoutMetrics } from '../../mining/evaluate.ts';
import { formatCondition } from '../../mining/rule-condition.ts';
import type { MiningRunSummary } from '../../mining/workflow/store-mining-result.ts';
import { validateInput } from '../../shared/validate.ts';
import { withServices } from '../command-context.ts';

const evaluateOptionsSchema = z.object({
  csv: z.string().min(1),
  label: z.string().min(1),
  approved: z.string(),
  resourceColumn: z.array(z.string().min(1)).default([]),
  holdout: z.coerce.number().gt(0, 'must be between 0 and 1').lt(1, 'must be between 0 and 1').default(0.3),
  seed: z.coerce.number().int('must be an integer').default(1),
  threshold: z.coerce.number().min(0.5).lt(1).optional(),
  minSupport: z.coerce.number().int().min(1).optional(),
  json: z.boolean().default(false),
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

function formatCurve(curve: HoldoutMetrics[]): string {
  const headers = ['threshold', 'rules', 'coverage', 'false approvals', 'approval precision'];
  const rows = curve.map((point) => [
    point.threshold.toFixed(2),
    String(point.rules),
    percent(point.coverage),
    `${percent(point.falseApprovalRate)} (${point.falseApprovals})`,
    percent(point.approvalPrecision),
  ]);
  const widths = headers.map((header, at) => Math.max(header.length, ...rows.map((row) => row[at]!.length)));
  const line = (cells: string[]) => `  ${cells.map((cell, at) => cell.padStart(widths[at]!)).join('  ')}`;
  return [line(headers), ...rows.map(line)].join('\n');
}

function formatReport(file: string, resourceAttributes: string[], report: EvaluationReport): string {
  const { metrics, goal } = report;
  return [
    `${file}: ${report.decisions} decisions; resource side: ${resourceAttributes.join(', ')}`,
    `Mined on ${report.trainDecisions}, measured on ${report.holdoutDecisions} held out (seed ${report.seed}).` +
      (report.approverGate ? '' : ' No approver column: the distinct-approver gate is off.'),
    '',
    `At threshold ${metrics.threshold}: ${metrics.rules} rules (${metrics.approveRules} approve, ${metrics.denyRules} deny), ${metrics.averageConditions.toFixed(1)} conditions on average`,
    `  coverage (auto-decided)    ${percent(metrics.coverage).padStart(6)}  ${metrics.autoApproved} auto-approved, ${metrics.autoDenied} auto-denied`,
    `  auto-approval precision    ${percent(metrics.approvalPrecision).padStart(6)}  base approval rate ${percent(report.baseApprovalRate)}`,
    `  false-approval rate        ${percent(metrics.falseApprovalRate).padStart(6)}  ${metrics.falseApprovals} of ${report.heldOutDenials} denied requests would be approved`,
    `  auto-denial precision      ${percent(metrics.denialPrecision).padStart(6)}  ${metrics.falseDenials} approved requests would be denied`,
    '',
    'Coverage vs false approvals:',
    formatCurve(report.curve),
    '',
    `Goal (>= ${percent(goal.minCoverage)} coverage at <= ${percent(goal.maxFalseApprovalRate)} false approvals): ` +
      (goal.best
        ? `${goal.met ? 'MET' : 'NOT MET'}: best ${percent(goal.best.coverage)} coverage at threshold ${goal.best.threshold} (${percent(goal.best.falseApprovalRate)} false approvals)`
        : 'NOT MET: no threshold keeps false approvals within the limit'),
  ].join('\n');
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
    .option('--threshold <bound>', 'lower confidence bound a suggestion must reach (default 0.95)')
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
      'mine rules on part of a decision table (CSV) and measure them on the held-out rest: coverage, precision, false approvals, and the curve over thresholds',
    )
    .requiredOption('--csv <file>', 'the decision table: a header row, then one decision per row')
    .requiredOption('--label <column>', 'the outcome column')
    .requiredOption('--approved <value>', 'the outcome value that means approved (anything else is denied)')
    .option(
      '--resource-column <column>',
      'a column describing the resource (repeatable; default: "resource" and resource.* columns); the other columns describe the requester',
      collect,
    )
    .option('--holdout <fraction>', 'share of decisions held out for measuring', '0.3')
    .option('--seed <n>', 'seed of the holdout split', '1')
    .option('--threshold <bound>', 'lower confidence bound a rule must reach (default 0.95)')
    .option('--min-support <n>', 'fewest decisions a rule must match (default 20)')
    .option('--json', 'print the report as JSON')
    .action(async (raw: unknown) => {
      const [{ evaluateMining }, { readDecisionCsv }] = await Promise.all([
        import('../../mining/evaluate.ts'),
        import('../../mining/read-decision-csv.ts'),
      ]);
      const options = validateInput(evaluateOptionsSchema, raw, 'mine evaluate options');
      const { table, attributes } = await readDecisionCsv(options.csv, {
        label: options.label,
        approved: options.approved,
        resourceColumns: options.resourceColumn,
      });
      const report = evaluateMining(table, {
        holdout: options.holdout,
        seed: options.seed,
        mining: {
          ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
          ...(options.minSupport === undefined ? {} : { minSupport: options.minSupport }),
        },
      });
      if (options.json) {
        console.log(JSON.stringify({ file: options.csv, attributes, ...report }, null, 2));
        return;
      }
      const resourceAttributes = attributes
        .filter(({ attribute }) => attribute.startsWith('resource.'))
        .map(({ column }) => column);
      console.log(formatReport(options.csv, resourceAttributes, report));
    });
}
