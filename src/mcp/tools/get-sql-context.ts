import { z } from 'zod';
import type { Dataset } from '../../catalog/read/catalog-reader.ts';
import { objectNotFound } from '../../catalog/read/object-not-found.ts';
import { ApertureError } from '../../shared/errors.ts';
import { fitItems } from '../budget/fit-to-budget.ts';
import { cursorCaller, decodeCursor, encodeCursor } from '../budget/result-cursor.ts';
import type { McpCaller } from '../mcp-caller.ts';
import { defineTool } from '../mcp-tool.ts';
import {
  type JoinShape,
  joinSchema,
  joinShapes,
  joinText,
  requestableSchema,
  type SqlColumnShape,
  sqlColumnSchema,
  sqlColumnShape,
  sqlColumnText,
  tierSchema,
} from '../render/catalog-shapes.ts';
import { clipField, mergeCuts, textLimits } from '../render/clip.ts';
import { readOnlyAnnotations } from '../render/read-only.ts';
import { cutTexts, moreItems, type Trimmed, trimmedLines, trimmedSchema } from '../render/trimmed.ts';

const input = z
  .object({
    paths: z
      .array(z.string().trim().min(1).max(1_000))
      .min(1)
      .max(20)
      .describe('1 to 20 dataset paths (`source.schema.dataset`): the tables your SQL will read.'),
    cursor: z
      .string()
      .min(1)
      .max(1_000)
      .optional()
      .describe('The cursor a trimmed answer for the same paths named.'),
  })
  .strict();

const tableSchema = z.object({
  path: z.string(),
  tier: tierSchema,
  requestable: requestableSchema,
  rowFilter: z
    .string()
    .nullable()
    .describe(
      'The rows your queries will see, as a SQL predicate with the values of the person you act for; null: all rows.',
    ),
  columnsTotal: z.number().int().describe('How many columns you may use (none at DISCOVER).'),
  columns: z
    .array(sqlColumnSchema)
    .describe('The columns of this answer (a trimmed answer continues with its cursor).'),
});

type Table = z.infer<typeof tableSchema>;

const output = z.object({
  tables: z.array(tableSchema),
  joins: z.array(joinSchema).describe('How the given tables join one another (both ends readable).'),
  trimmed: trimmedSchema,
});

type Header = Omit<Table, 'columns'>;
type Item =
  | { kind: 'join'; join: JoinShape }
  | { kind: 'table'; table: Header }
  | { kind: 'column'; table: string; column: SqlColumnShape; cuts: Map<string, number> };

export const getSqlContextTool = defineTool({
  name: 'get_sql_context',
  title: 'Context for writing SQL',
  description:
    'Before writing SQL: for the tables you name, the columns you may use (name, type, mask), the row filter your queries will see, and the join paths between those tables, in one compact answer.',
  input,
  output,
  annotations: readOnlyAnnotations,
  async run({ paths, cursor }, { caller, options }) {
    const unique = [...new Set(paths)];
    const scope = { tool: 'get_sql_context', args: { paths: unique }, caller: cursorCaller(caller.viewer) };
    const offset = decodeCursor(scope, cursor);
    const budget = options.resultTokens;
    const { items, headers, headerCuts } = await contextItems(caller, unique, budget);
    const rest = items.slice(offset);
    return fitItems(rest, budget, (shown, left) => {
      const tables = new Map<string, Table>();
      const joins: JoinShape[] = [];
      const tableOf = (path: string) => {
        let table = tables.get(path);
        if (!table) {
          table = { ...headers.get(path)!, columns: [] };
          tables.set(path, table);
        }
        return table;
      };
      for (const item of shown) {
        if (item.kind === 'join') joins.push(item.join);
        else if (item.kind === 'table') tableOf(item.table.path);
        else tableOf(item.table).columns.push(item.column);
      }
      const trimmed: Trimmed[] = [];
      if (left > 0) {
        const more = encodeCursor(scope, offset + shown.length);
        const columnsLeft = rest.slice(shown.length).filter((item) => item.kind === 'column').length;
        trimmed.push(
          moreItems(
            columnsLeft === left ? 'columns' : 'tables, columns and joins',
            left,
            more,
            `call get_sql_context with the same paths and cursor "${more}"`,
          ),
        );
      }
      const shownCuts = [...tables.keys()].map((path) => headerCuts.get(path)!);
      const columnCuts = shown.flatMap((item) => (item.kind === 'column' ? [item.cuts] : []));
      trimmed.push(...cutTexts(mergeCuts(...shownCuts, ...columnCuts)));
      const structured = { tables: [...tables.values()], joins, trimmed };
      return { structured, text: contextText(structured.tables, joins, trimmed) };
    }).answer;
  },
});

/**
 * The answer's items in the order they matter for SQL: each table's header then its columns, then
 * the joins between the tables. Fails on the first path the caller may not discover (like
 * request_access): hidden and absent alike.
 */
async function contextItems(caller: McpCaller, paths: string[], budget: number) {
  const { catalog } = caller;
  const limits = textLimits(budget);
  const datasets: Dataset[] = [];
  for (const path of paths) {
    const dataset = await catalog.dataset(path);
    if (dataset) {
      datasets.push(dataset);
      continue;
    }
    const other = catalog.explain(path);
    if (!other) throw objectNotFound(path);
    throw new ApertureError(
      'INVALID_INPUT',
      `${path} is a ${other.kind}: get_sql_context takes dataset paths`,
    );
  }
  const items: Item[] = [];
  const headers = new Map<string, Header>();
  const headerCuts = new Map<string, Map<string, number>>();
  const ids = new Set(datasets.map((dataset) => dataset.id));
  const joins = new Map<string, JoinShape>();
  for (const dataset of datasets) {
    const access = catalog.access(dataset.id);
    const cuts = new Map<string, number>();
    const columns = access.tier === 'READ' ? await catalog.columnsOf(dataset.id) : [];
    const header: Header = {
      path: dataset.path,
      tier: access.tier,
      requestable: access.tier === 'DISCOVER',
      rowFilter: clipField(access.rowFilter, limits.long, 'rowFilter', cuts),
      columnsTotal: columns.length,
    };
    headers.set(dataset.path, header);
    headerCuts.set(dataset.path, cuts);
    items.push({ kind: 'table', table: header });
    for (const column of columns) {
      const columnCuts = new Map<string, number>();
      items.push({
        kind: 'column',
        table: dataset.path,
        column: sqlColumnShape(catalog, column, limits.short, columnCuts),
        cuts: columnCuts,
      });
    }
    const between = (await catalog.joinPathsOf(dataset.id)).filter(
      (join) => ids.has(join.fromDatasetId) && ids.has(join.toDatasetId) && !joins.has(join.id),
    );
    for (const join of between) {
      const [shape] = await joinShapes(catalog, [join]);
      if (shape) joins.set(join.id, shape);
    }
  }
  for (const join of joins.values()) items.push({ kind: 'join', join });
  return { items, headers, headerCuts };
}

function contextText(tables: Table[], joins: JoinShape[], trimmed: Trimmed[]): string {
  const lines: string[] = [];
  for (const table of tables) {
    if (table.tier === 'DISCOVER') {
      lines.push(
        `table ${table.path}: DISCOVER only, columns withheld; requestable with request_access (tier READ)`,
      );
      continue;
    }
    lines.push(`table ${table.path} (${table.columnsTotal} columns; rows: ${table.rowFilter ?? 'all'})`);
    lines.push(...table.columns.map(sqlColumnText));
  }
  lines.push(...joins.map(joinText));
  lines.push(...trimmedLines(trimmed));
  return lines.join('\n');
}
