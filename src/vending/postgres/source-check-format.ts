import type { SourceCheckFinding, SourceCheckReport } from './source-check.ts';

/** ✓ ok, ✗ missing, ! warning. */
function mark(finding: SourceCheckFinding): string {
  if (finding.ok) return '✓';
  return finding.severity === 'missing' ? '✗' : '!';
}

/** The report as `aperture sources check` prints it: a header, one line per check with its fix, a summary. */
export function formatSourceCheck(report: SourceCheckReport): string[] {
  const lines = [
    `Source ${report.source}: ${report.server} as ${report.adminRole}, ${report.relations} relation${report.relations === 1 ? '' : 's'} in the catalog`,
  ];
  for (const finding of report.findings) {
    lines.push(`${mark(finding)} ${finding.check}: ${finding.detail}`);
    if (!finding.ok && finding.fix) for (const line of finding.fix.split('\n')) lines.push(`    ${line}`);
  }
  lines.push(summary(report));
  return lines;
}

function summary({ missing, warnings, source }: SourceCheckReport): string {
  const warned = `${warnings} warning${warnings === 1 ? '' : 's'}`;
  if (missing === 0)
    return `Source ${source} is ready for role vending${warnings === 0 ? '' : ` (${warned})`}.`;
  return `${missing} check${missing === 1 ? '' : 's'} failed${warnings === 0 ? '' : `, ${warned}`}: run the SQL above as a superuser (or the objects' owners), then check again.`;
}
