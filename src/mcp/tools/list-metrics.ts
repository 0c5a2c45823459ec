import { z } from 'zod';
import type { Metric } from '../../catalog/read/catalog-reader.ts';
import type { SliceCatalogReader } from '../../policy/slice/slice-catalog-reader.ts';
import { fitItems } from '../budget/fit-to-budget.ts';
import { cursorCaller, decodeCursorPosition, encodeCursor } from '../budget/result-cursor.ts';
import { defineTool } from '../mcp-tool.ts';
import { requestableSchema, tierSchema } from '../render/catalog-shapes.ts';
import { clip, oneLine, textLimits } from '../render/clip.ts';
import { readOnlyAnnotations } from '../render/read-only.ts';
import { cutTexts, moreItems, type Trimmed, trimmedLines, trimmedSchema } from '../render/trimmed.ts';

/** How many metrics one answer reads from the slice at most; the budget may show fewer. */
const pageSize = 50;

const input = z
  .object({
    domain: z.string().trim().min(1).max(200).optional().describe('Only metrics of this business domain.'),
    cursor: z
      .string()
      .min(1)
      .max(1_000)
      .optional()
      .describe('The cursor a previous answer for the same domain named.'),
  })
  .strict();

const metricSchema = z.object({
  name: z.string().describe('Pass it to describe_object for the definition and dependencies.'),
  label: z.string().nullable(),
  type: z.string().describe('simple, ratio, derived, cumulative or conversion.'),
  tier: tierSchema,
  requestable: requestableSchema,
  description: z.string().nullable().describe('The start of its description.'),
});

type MetricLine = z.infer<typeof metricSchema>;

const output = z.object({
  totalCount: z.number().int().describe('How many metrics you may see (in the domain), in all.'),
  from: z.number().int().describe('Position (0-based) of the first metric of this answer.'),
  metrics: z.array(metricSchema),
  trimmed: trimmedSchema,
});

export const listMetricsTool = defineTool({
  name: 'list_metrics',
  title: 'List metrics',
  description:
    'The semantic-layer metrics you may see, by name, one line each; describe_object shows one in full.',
  input,
  output,
  annotations: readOnlyAnnotations,
  async run({ domain, cursor }, { caller, options }) {
    const scope = {
      tool: 'list_metrics',
      args: { domain: domain ?? null },
      caller: cursorCaller(caller.viewer),
    };
    const { offset, after } = decodeCursorPosition(scope, cursor);
    // One more than a page: whether metrics follow is known from the key on, not from a count
    // that may have changed since the previous page (a grant, a policy, a re-import).
    const page = await caller.catalog.metrics(
      { after, limit: pageSize + 1, inverted: false },
      domain ? { domain } : {},
    );
    const max = textLimits(options.resultTokens).short;
    const items = page.items.slice(0, pageSize).map((metric) => lineOf(caller.catalog, metric, max));
    const morePages = page.items.length > pageSize;
    return fitItems(items, options.resultTokens, (shown) => {
      const trimmed: Trimmed[] = [];
      const next = offset + shown.length;
      const last = shown.at(-1)?.line.name ?? after;
      if (shown.length < items.length || morePages) {
        const more = encodeCursor(scope, next, last);
        trimmed.push(
          moreItems(
            'metrics',
            Math.max(page.totalCount - next, items.length - shown.length + (morePages ? 1 : 0)),
            more,
            `call list_metrics with the same domain and cursor "${more}"`,
          ),
        );
      }
      const cut = shown.reduce((sum, item) => sum + item.cut, 0);
      trimmed.push(...cutTexts(cut > 0 ? new Map([['descriptions', cut]]) : new Map()));
      const metrics = shown.map((item) => item.line);
      const lines = [
        page.totalCount === 0
          ? `No metric you may see${domain ? ` in domain ${domain}` : ''}.`
          : `${page.totalCount} metrics${domain ? ` in domain ${domain}` : ''}; ${metrics.length === 0 ? 'none shown' : `${offset + 1}-${next} shown`}:`,
        ...metrics.map(metricText),
        ...trimmedLines(trimmed),
      ];
      return {
        structured: { totalCount: page.totalCount, from: offset, metrics, trimmed },
        text: lines.join('\n'),
      };
    }).answer;
  },
});

function lineOf(catalog: SliceCatalogReader, metric: Metric, max: number): { line: MetricLine; cut: number } {
  const { tier } = catalog.access(metric.id);
  const description = metric.description ? clip(oneLine(metric.description), max) : null;
  const label = metric.label ? clip(oneLine(metric.label), 100).text : null;
  return {
    line: {
      name: metric.name,
      label,
      type: metric.type,
      tier,
      requestable: tier === 'DISCOVER',
      description: description?.text ?? null,
    },
    cut: description?.cut ?? 0,
  };
}

function metricText(metric: MetricLine): string {
  const tier = metric.requestable ? 'DISCOVER, requestable' : metric.tier;
  return `${metric.name}${metric.label ? ` "${metric.label}"` : ''} (${metric.type}; ${tier})${metric.description ? ` — ${metric.description}` : ''}`;
}
