import { z } from 'zod';
import { objectNotFound } from '../../catalog/read/object-not-found.ts';
import { fitItems } from '../budget/fit-to-budget.ts';
import { defineTool } from '../mcp-tool.ts';
import {
  maskSchema,
  maskShape,
  maskText,
  objectPathArgument,
  requestableSchema,
  tierSchema,
} from '../render/catalog-shapes.ts';
import { clipField, textLimits } from '../render/clip.ts';
import { readOnlyAnnotations } from '../render/read-only.ts';
import { cutTexts, itemsLeftOut, type Trimmed, trimmedLines, trimmedSchema } from '../render/trimmed.ts';

const input = z
  .object({
    path: objectPathArgument,
  })
  .strict();

const reasons = ['allowedBy', 'deniedBy', 'cappedBy'] as const;
type Reason = (typeof reasons)[number];

const output = z.object({
  path: z.string(),
  kind: z.string().describe('dataset, column, metric or glossary'),
  tier: tierSchema,
  requestable: requestableSchema,
  policyVersion: z.number().int().describe('The policy version this answer was decided under.'),
  allowedBy: z
    .array(z.string())
    .describe('Allow policies (by id) and your grants (`grant:<id>`) that matched.'),
  deniedBy: z.array(z.string()).describe('Deny policies that matched (a READ deny keeps DISCOVER).'),
  cappedBy: z
    .array(z.string())
    .describe(
      'Limits that lowered the tier: `ceiling:<hop>` (0 = the first agent), `intent`, `dataset`, `dependency:<path>`, `dependency:hidden`.',
    ),
  mask: maskSchema.nullable().describe('For a column: how its values reach you; null: as stored.'),
  maskPolicy: z.string().nullable().describe('The policy that set the mask.'),
  rowFilter: z.string().nullable().describe('For a readable dataset: the rows you may see; null: all.'),
  vendedRoles: z
    .array(z.string())
    .describe('Your live database logins (get_database_credential) whose reach includes this object.'),
  trimmed: trimmedSchema,
});

export const explainAccessTool = defineTool({
  name: 'explain_access',
  title: 'Explain access to an object',
  description:
    'Why you see a catalog object as you do: the tier, the policies and grants that allowed it, denies, and the limits (your delegation ceiling, the intent) that capped it; its mask or row filter.',
  input,
  output,
  annotations: readOnlyAnnotations,
  async run({ path }, { caller, modules: { vending }, options }) {
    const explanation = caller.catalog.explain(path);
    if (!explanation) throw objectNotFound(path);
    const vendedRoles = await vending.rolesCarrying(caller.viewer, explanation);
    const limits = textLimits(options.resultTokens);
    const cuts = new Map<string, number>();
    const mask = maskShape(explanation.mask, limits.long, cuts);
    const rowFilter = clipField(explanation.rowFilter, limits.long, 'rowFilter', cuts);
    const items = reasons.flatMap((reason) => explanation[reason].map((id) => ({ reason, id })));
    return fitItems(items, options.resultTokens, (shown, left) => {
      const lists = Object.fromEntries(reasons.map((reason) => [reason, [] as string[]])) as Record<
        Reason,
        string[]
      >;
      for (const item of shown) lists[item.reason].push(item.id);
      const trimmed: Trimmed[] = [
        ...(left > 0
          ? [
              itemsLeftOut(
                'reasons',
                left,
                'policy ids and limits not shown: the answer budget holds no more',
              ),
            ]
          : []),
        ...cutTexts(cuts),
      ];
      const structured = {
        path: explanation.path,
        kind: explanation.kind,
        tier: explanation.tier,
        requestable: explanation.tier === 'DISCOVER',
        policyVersion: explanation.policyVersion,
        ...lists,
        mask,
        maskPolicy: explanation.mask?.policyId ?? null,
        rowFilter,
        vendedRoles,
        trimmed,
      };
      const lines = [
        `${explanation.kind} ${explanation.path}: ${explanation.tier}${structured.requestable ? ' (requestable with request_access)' : ''} under policy version ${explanation.policyVersion}`,
        ...reasons
          .filter((reason) => lists[reason].length > 0)
          .map((reason) => `${reason}: ${lists[reason].join(', ')}`),
        ...(mask ? [`mask:${maskText(mask)} (policy ${structured.maskPolicy})`] : []),
        ...(rowFilter ? [`rows: ${rowFilter}`] : []),
        ...(vendedRoles.length > 0 ? [`carried by your database logins: ${vendedRoles.join(', ')}`] : []),
        ...trimmedLines(trimmed),
      ];
      return { structured, text: lines.join('\n') };
    }).answer;
  },
});
