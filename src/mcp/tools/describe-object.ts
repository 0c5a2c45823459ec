import { z } from 'zod';
import { objectNotFound } from '../../catalog/read/object-not-found.ts';
import { ApertureError } from '../../shared/errors.ts';
import { cursorCaller, decodeCursor, encodeCursor } from '../budget/result-cursor.ts';
import type { McpCaller } from '../mcp-caller.ts';
import { defineTool } from '../mcp-tool.ts';
import { objectPathArgument } from '../render/catalog-shapes.ts';
import { describeDataset } from '../render/describe-dataset.ts';
import { describeColumn, describeMetric, describeTerm } from '../render/describe-related.ts';
import { type DescribeAnswer, type DescribeScope, describeOutputSchema } from '../render/describe-shapes.ts';
import { readOnlyAnnotations } from '../render/read-only.ts';

const input = z
  .object({
    path: objectPathArgument,
    columns_cursor: z
      .string()
      .min(1)
      .max(1_000)
      .optional()
      .describe(
        'The cursor a trimmed answer for the same path named: the next columns of a dataset (the next dependencies of a metric, related objects of a term).',
      ),
  })
  .strict();

export const describeObjectTool = defineTool({
  name: 'describe_object',
  title: 'Describe a catalog object',
  description:
    'A dataset (its permitted columns with type, description and mask; the row filter you will get; join paths; tier; whether you may request more), a column, a metric (definition and dependencies) or a glossary term. What you may only discover shows its name, description, owner and tags.',
  input,
  output: describeOutputSchema,
  annotations: readOnlyAnnotations,
  async run({ path, columns_cursor }, { caller, options }) {
    const cursorScope = { tool: 'describe_object', args: { path }, caller: cursorCaller(caller.viewer) };
    const scope: DescribeScope = {
      catalog: caller.catalog,
      budget: options.resultTokens,
      offset: decodeCursor(cursorScope, columns_cursor),
      continueAt(offset) {
        const cursor = encodeCursor(cursorScope, offset);
        return { cursor, next: `call describe_object with path "${path}" and columns_cursor "${cursor}"` };
      },
    };
    return describe(caller, path, scope);
  },
});

/**
 * The object at `path`, tried as a dataset, a column, a metric, then a glossary term. Whatever the
 * caller may not discover is not found, exactly like a path that does not exist.
 */
async function describe(caller: McpCaller, path: string, scope: DescribeScope): Promise<DescribeAnswer> {
  const { catalog } = caller;
  const dataset = await catalog.dataset(path);
  if (dataset) return describeDataset(dataset, scope);
  const dot = path.lastIndexOf('.');
  if (dot > 0) {
    const parent = await catalog.dataset(path.slice(0, dot));
    const column =
      parent && (await catalog.columnsOf(parent.id)).find((candidate) => candidate.path === path);
    if (parent && column) return onlyFirstPage(scope, describeColumn(column, parent.path, scope));
  }
  const metric = await catalog.metric(path);
  if (metric) return describeMetric(metric, scope);
  const term = await catalog.glossaryTerm(
    path.startsWith('glossary:') ? path.slice('glossary:'.length) : path,
  );
  if (term) return describeTerm(term, scope);
  throw objectNotFound(path);
}

/** A column has no list to page: a cursor for it cannot come from its answers. */
function onlyFirstPage(scope: DescribeScope, answer: DescribeAnswer): DescribeAnswer {
  if (scope.offset !== 0)
    throw new ApertureError(
      'INVALID_INPUT',
      'a column has no more to read: call describe_object without columns_cursor',
    );
  return answer;
}
