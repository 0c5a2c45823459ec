import { z } from 'zod';
import type { SearchHit } from '../../catalog/read/catalog-reader.ts';
import type { SliceCatalogReader } from '../../policy/slice/slice-catalog-reader.ts';
import { fitItems } from '../budget/fit-to-budget.ts';
import { cursorCaller, decodeCursor, encodeCursor } from '../budget/result-cursor.ts';
import { defineTool } from '../mcp-tool.ts';
import { requestableSchema, tierSchema } from '../render/catalog-shapes.ts';
import { clip, oneLine, textLimits } from '../render/clip.ts';
import { readOnlyAnnotations } from '../render/read-only.ts';
import { cutTexts, moreItems, type Trimmed, trimmedLines, trimmedSchema } from '../render/trimmed.ts';

const kinds = ['dataset', 'column', 'metric', 'glossary'] as const;

const input = z
  .object({
    query: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('Matched case-insensitively against names, paths and descriptions; exact names first.'),
    kinds: z.array(z.enum(kinds)).min(1).max(4).optional().describe('Only these kinds of objects.'),
    domain: z.string().trim().min(1).max(200).optional().describe('Only objects of this business domain.'),
    cursor: z
      .string()
      .min(1)
      .max(1_000)
      .optional()
      .describe('The cursor a previous answer to the same search named.'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(20)
      .describe('At most this many results (default 20, at most 50).'),
  })
  .strict();

const resultSchema = z.object({
  kind: z.enum(kinds),
  path: z
    .string()
    .describe('What to pass to describe_object: a dataset or column path, a metric name, `glossary:<term>`.'),
  tier: tierSchema,
  requestable: requestableSchema,
  description: z.string().nullable().describe('The start of its description (a term: its summary).'),
});

type Result = z.infer<typeof resultSchema>;

const output = z.object({
  totalCount: z.number().int().describe('How many objects you may see match, in all.'),
  from: z.number().int().describe('Position (0-based) of the first result of this answer.'),
  results: z.array(resultSchema),
  trimmed: trimmedSchema,
});

export const searchCatalogTool = defineTool({
  name: 'search_catalog',
  title: 'Search the catalog',
  description:
    'Datasets, columns, metrics and glossary terms you may see that match a text, best matches first; one line each. Read one with describe_object.',
  input,
  output,
  annotations: readOnlyAnnotations,
  async run({ query, kinds, domain, cursor, limit }, { caller, options }) {
    const args = { query, kinds: kinds ? [...new Set(kinds)].sort() : null, domain: domain ?? null, limit };
    const scope = { tool: 'search_catalog', args, caller: cursorCaller(caller.viewer) };
    const offset = decodeCursor(scope, cursor);
    const page = await caller.catalog.search(
      query,
      { ...(args.kinds ? { kinds: args.kinds } : {}), ...(domain ? { domains: [domain] } : {}) },
      offset,
      limit,
    );
    const max = textLimits(options.resultTokens).short;
    const items = page.items.map((hit) => resultOf(caller.catalog, hit, max));
    return fitItems(items, options.resultTokens, (shown, _left) => {
      const trimmed: Trimmed[] = [];
      const next = offset + shown.length;
      if (next < page.totalCount) {
        const more = encodeCursor(scope, next);
        trimmed.push(
          moreItems(
            'results',
            page.totalCount - next,
            more,
            `call search_catalog with the same query, kinds, domain and limit and cursor "${more}"`,
          ),
        );
      }
      const cut = shown.reduce((sum, item) => sum + item.cut, 0);
      trimmed.push(...cutTexts(cut > 0 ? new Map([['descriptions', cut]]) : new Map()));
      const results = shown.map((item) => item.result);
      const lines = [
        page.totalCount === 0
          ? `No object you may see matches "${query}".`
          : `${page.totalCount} match "${query}"; ${results.length === 0 ? 'none shown' : `${offset + 1}-${next} shown`}:`,
        ...results.map(resultText),
        ...trimmedLines(trimmed),
      ];
      return {
        structured: { totalCount: page.totalCount, from: offset, results, trimmed },
        text: lines.join('\n'),
      };
    }).answer;
  },
});

function resultOf(catalog: SliceCatalogReader, hit: SearchHit, max: number): { result: Result; cut: number } {
  const { tier } = catalog.access(hit.row.id);
  const [path, text] =
    hit.kind === 'dataset' || hit.kind === 'column'
      ? [hit.row.path, hit.row.description]
      : hit.kind === 'metric'
        ? [hit.row.name, hit.row.description ?? hit.row.label]
        : [`glossary:${hit.row.name}`, hit.row.summary];
  const description = text ? clip(oneLine(text), max) : null;
  return {
    result: {
      kind: hit.kind,
      path,
      tier,
      requestable: tier === 'DISCOVER',
      description: description?.text ?? null,
    },
    cut: description?.cut ?? 0,
  };
}

function resultText(result: Result): string {
  const tier = result.requestable ? 'DISCOVER, requestable' : result.tier;
  return `${result.kind} ${result.path} (${tier})${result.description ? ` — ${result.description}` : ''}`;
}
