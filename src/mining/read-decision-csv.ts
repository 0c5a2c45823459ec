import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { type InputProblem, InvalidInputError } from '../shared/errors.ts';
import { type DecisionTable, DecisionTableBuilder } from './decision-table.ts';
import type { AttributeSide } from './rule-condition.ts';

/** How to read a decision table: which column is the outcome, and which describe the resource. */
export interface DecisionCsvOptions {
  /** The outcome column. */
  label: string;
  /** The label value that means "approved"; every other value means denied. */
  approved: string;
  /**
   * Columns that describe the resource (at least one is needed: every suggestion pins the
   * resource side). Default: a column named `resource` (any case) and columns named `resource.*`.
   */
  resourceColumns?: readonly string[];
}

/** A decision table read from CSV, and where each column went. */
export interface DecisionCsv {
  table: DecisionTable;
  /** Column -> attribute, e.g. `MGR_ID` -> `human.MGR_ID`, `RESOURCE` -> `resource.RESOURCE`. */
  attributes: { column: string; attribute: string }[];
}

/**
 * Reads a decision table from CSV (a header row, then one decision per row). Every column but the
 * label is an attribute: resource columns become `resource.<column>`, columns already named
 * `human.*`, `resource.*` or `request.*` keep their name, and the rest describe the requester
 * (`human.<column>`). Empty cells are absent values. A decision's id is its line in the file.
 * A bad file, a missing column or an unusable label is refused with the file, the place and the reason.
 */
export async function readDecisionCsv(file: string, options: DecisionCsvOptions): Promise<DecisionCsv> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new InvalidInputError(file, [
      { location: 'file', message: `cannot be read (${(error as Error).message})` },
    ]);
  });
  return parseDecisionCsv(file, text, options);
}

/** {@link readDecisionCsv} on text already read. */
export function parseDecisionCsv(file: string, text: string, options: DecisionCsvOptions): DecisionCsv {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new InvalidInputError(file, [
      { location: 'file', message: `is not valid CSV (${(error as Error).message})` },
    ]);
  }
  const [header, ...rows] = records;
  if (!header) throw new InvalidInputError(file, [{ location: 'file', message: 'is empty (no header row)' }]);
  const columns = header.record;
  const problems = headerProblems(columns, options);
  if (problems.length > 0) throw new InvalidInputError(file, problems);
  if (rows.length === 0)
    throw new InvalidInputError(file, [{ location: 'file', message: 'has no decisions' }]);

  const resourceColumns = new Set(
    options.resourceColumns?.length ? options.resourceColumns : defaultResourceColumns(columns),
  );
  const labelAt = columns.indexOf(options.label);
  const attributes = columns.flatMap((column, at) =>
    at === labelAt ? [] : [{ at, column, ...attributeOf(column, resourceColumns.has(column)) }],
  );
  const builder = new DecisionTableBuilder();
  const rowProblems: InputProblem[] = [];
  const labelsSeen = new Set<string>();
  for (const { record, info } of rows) {
    const label = record[labelAt] ?? '';
    if (label === '') {
      rowProblems.push({ location: `line ${info.lines}`, message: `${options.label} is empty` });
      continue;
    }
    labelsSeen.add(label);
    builder.addDecision(`line ${info.lines}`, label === options.approved, Number.NaN, null);
    for (const { at, attribute, side } of attributes) builder.addValue(attribute, side, record[at] ?? '');
  }
  if (rowProblems.length > 0) throw new InvalidInputError(file, rowProblems);
  if (!labelsSeen.has(options.approved)) {
    const seen = [...labelsSeen].slice(0, 10).join(', ');
    throw new InvalidInputError(file, [
      {
        location: `column ${options.label}`,
        message: `no row has the approved value "${options.approved}" (values: ${seen})`,
      },
    ]);
  }
  return {
    table: builder.build(),
    attributes: attributes.map(({ column, attribute }) => ({ column, attribute })),
  };
}

function headerProblems(columns: string[], options: DecisionCsvOptions): InputProblem[] {
  const problems: InputProblem[] = [];
  const listed = columns.join(', ');
  columns.forEach((column, at) => {
    if (column === '') problems.push({ location: 'header', message: `column ${at + 1} has no name` });
    else if (columns.indexOf(column) !== at)
      problems.push({ location: 'header', message: `column "${column}" appears twice` });
  });
  if (!columns.includes(options.label)) {
    problems.push({ location: 'header', message: `no label column "${options.label}" (columns: ${listed})` });
  }
  for (const column of options.resourceColumns ?? []) {
    if (!columns.includes(column)) {
      problems.push({ location: 'header', message: `no resource column "${column}" (columns: ${listed})` });
    } else if (column === options.label) {
      problems.push({
        location: 'header',
        message: `"${column}" cannot be both the label and a resource column`,
      });
    }
  }
  if (!options.resourceColumns?.length && defaultResourceColumns(columns).length === 0) {
    problems.push({
      location: 'header',
      message: `no resource column: name one with --resource-column (columns: ${listed})`,
    });
  }
  return problems;
}

function defaultResourceColumns(columns: string[]): string[] {
  return columns.filter((column) => column.toLowerCase() === 'resource' || column.startsWith('resource.'));
}

function attributeOf(column: string, isResource: boolean): { attribute: string; side: AttributeSide } {
  if (isResource) {
    return { attribute: column.startsWith('resource.') ? column : `resource.${column}`, side: 'resource' };
  }
  for (const side of ['human', 'resource', 'request'] as const) {
    if (column.startsWith(`${side}.`) && column.length > side.length + 1) return { attribute: column, side };
  }
  return { attribute: `human.${column}`, side: 'human' };
}
