import { z } from 'zod';
import type { Grant } from '../../../generated/prisma/client.ts';
import { GrantStatus } from '../../../generated/prisma/enums.ts';
import { newestFirstCursor } from '../../db/keyset-page.ts';
import { fitItems, type ToolAnswer } from '../budget/fit-to-budget.ts';
import {
  type CursorScope,
  cursorCaller,
  decodeCursorPosition,
  encodeCursor,
} from '../budget/result-cursor.ts';
import { defineTool } from '../mcp-tool.ts';
import { type GrantView, grantLine, grantView, grantViewSchema } from '../render/access-request-view.ts';

/** Grants read per call; fewer are shown when they do not fit the answer's budget. */
export const grantsPerPage = 50;

const input = z
  .object({
    statuses: z
      .array(z.enum(GrantStatus))
      .min(1)
      .max(Object.values(GrantStatus).length)
      .optional()
      .describe('Only grants in these statuses (ACTIVE: in force now). Default: every status.'),
    cursor: z.string().max(1000).optional().describe('The cursor a previous answer returned, to read on.'),
  })
  .strict();

const output = z.object({
  grants: z.array(grantViewSchema).describe('Newest first.'),
  total: z.number().int().describe('Grants in the list, over every page.'),
  nextCursor: z
    .string()
    .nullable()
    .describe('Call list_my_grants again with the same statuses and this cursor for the next ones.'),
});

type Output = z.output<typeof output>;

export const listMyGrantsTool = defineTool({
  name: 'list_my_grants',
  title: 'List my grants',
  description:
    'The grants of your agent chain for the person you act for and your intent, newest first: what each covers, at which tier, until when. Grants count from your next call after they are made.',
  input,
  output,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  async run({ statuses, cursor }, { caller: { viewer }, modules: { requests }, options }) {
    const scope: CursorScope = {
      tool: 'list_my_grants',
      args: { statuses: statuses ?? null },
      caller: cursorCaller(viewer),
    };
    const position = decodeCursorPosition(scope, cursor);
    const filter = { statuses };
    const [rows, total] = await Promise.all([
      requests.listGrants(viewer, filter, {
        after: position.after,
        limit: grantsPerPage + 1,
        inverted: false,
      }),
      requests.countGrants(viewer, filter),
    ]);
    const page = rows.slice(0, grantsPerPage);
    const morePages = rows.length > grantsPerPage;
    const items = page.map((row) => ({ row, view: grantView(row) }));
    const render = (shown: readonly { row: Grant; view: GrantView }[], left: number): ToolAnswer<Output> => {
      const last = shown.at(-1);
      const nextCursor =
        last && (left > 0 || morePages)
          ? encodeCursor(scope, position.offset + shown.length, newestFirstCursor(last.row))
          : null;
      const from = position.offset + 1;
      const lines = [
        total === 0
          ? 'no grants'
          : shown.length === 0
            ? `no more grants (${total} in all)`
            : `grants ${from} to ${position.offset + shown.length} of ${total}, newest first:`,
        ...shown.map(({ view }) => grantLine(view)),
        ...(nextCursor
          ? [`${total - position.offset - shown.length} more: call list_my_grants with cursor ${nextCursor}`]
          : []),
      ];
      return {
        structured: { grants: shown.map(({ view }) => view), total, nextCursor },
        text: lines.join('\n'),
      };
    };
    const { answer, shown } = fitItems(items, options.resultTokens, render);
    if (shown > 0 || items.length === 0) return answer;
    // One grant larger than the budget (dozens of long paths): show it with as many paths as fit.
    const [first] = items as [(typeof items)[number]];
    const paths = fitItems(first.view.paths, options.resultTokens, (kept, trimmed) =>
      render(
        [
          {
            row: first.row,
            view: {
              ...first.view,
              paths:
                trimmed > 0
                  ? [...kept, `... ${trimmed} more paths (see get_access_request ${first.view.requestId})`]
                  : [...kept],
            },
          },
        ],
        items.length - 1,
      ),
    );
    return paths.answer;
  },
});
