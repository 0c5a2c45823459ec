import {
  type DatasetMerge,
  type ImportWarning,
  type ImportWarningKind,
  importWarningKinds,
} from '../catalog/catalog-snapshot.ts';
import type { ChangeCounts } from '../shared/diff-by-key.ts';

/** A small table: one row per kind of object, columns added / changed / removed / unchanged. */
export function formatChangeTable(rows: [string, ChangeCounts][]): string {
  const headers = ['', 'added', 'changed', 'removed', 'unchanged'];
  const body = rows.map(([label, counts]) => [
    label,
    ...[counts.added, counts.changed, counts.removed, counts.unchanged].map(String),
  ]);
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...body.map((row) => row[index]!.length)),
  );
  const line = (cells: string[]) =>
    `  ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ')}`;
  return [line(headers), ...body.map(line)].join('\n');
}

/** `merged seed.x and source.y into db.schema.table`, one line each. */
export function formatMerges(merges: readonly DatasetMerge[]): string[] {
  return merges.map((merge) => {
    const ids = merge.externalIds;
    const named = ids.length === 2 ? ids.join(' and ') : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
    return `  merged ${named} into ${merge.path}`;
  });
}

const warningHeadings: Record<ImportWarningKind, string> = {
  'dataset-without-columns': 'datasets without columns',
  'dataset-not-in-catalog': 'datasets not in catalog.json',
  'column-not-in-catalog': 'documented columns not in catalog.json, kept',
  'join-path-not-placed': 'join paths not placed',
  'catalog-errors': 'errors dbt recorded in catalog.json',
};

/** Shown per kind; a large undocumented project would otherwise bury the rest of the summary. */
const warningsShownPerKind = 20;

/** Warnings grouped by kind under a heading, at most 20 of each kind with the count of the rest. */
export function formatWarnings(warnings: readonly ImportWarning[]): string[] {
  if (warnings.length === 0) return [];
  const lines = [`Warnings (${warnings.length}):`];
  for (const kind of importWarningKinds) {
    const ofKind = warnings.filter((warning) => warning.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`  ${warningHeadings[kind]} (${ofKind.length}):`);
    for (const warning of ofKind.slice(0, warningsShownPerKind))
      lines.push(`    ${warning.subject}: ${warning.message}`);
    if (ofKind.length > warningsShownPerKind)
      lines.push(`    ... and ${ofKind.length - warningsShownPerKind} more`);
  }
  return lines;
}
