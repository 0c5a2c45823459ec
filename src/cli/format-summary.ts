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
