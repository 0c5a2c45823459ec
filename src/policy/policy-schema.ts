import { z } from 'zod';
import { Tier } from '../../generated/prisma/enums.ts';
import { channelNames } from '../audit/channel.ts';
import { pathGlob } from '../catalog/path-glob.ts';
import { Sensitivity } from '../catalog/sensitivity.ts';

/**
 * Policies are data: ABAC rules over human attributes, catalog resources and intents. This file is
 * the single definition of their shape (YAML files, GraphQL input and storage all go through it).
 */

/** Human attributes a condition may test: the person fields, or `attributes.<name>` (free-form). */
export const humanAttributeSchema = z
  .string()
  .regex(
    /^(email|department|region|title|groups|manager|attributes\.[A-Za-z_][\w-]{0,63})$/,
    'must be email, department, region, title, groups, manager or attributes.<name>',
  );

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

export const attributeConditionSchema = z.discriminatedUnion('op', [
  z.object({ attribute: humanAttributeSchema, op: z.literal('equals'), value: scalar }).strict(),
  z
    .object({
      attribute: humanAttributeSchema,
      op: z.literal('in'),
      values: z.array(scalar).min(1).max(1000),
    })
    .strict(),
  z
    .object({
      attribute: humanAttributeSchema,
      op: z.literal('notIn'),
      values: z.array(scalar).min(1).max(1000),
    })
    .strict(),
  z.object({ attribute: humanAttributeSchema, op: z.literal('exists') }).strict(),
]);

export type AttributeCondition = z.infer<typeof attributeConditionSchema>;

/** Who a policy is for. No conditions: every human. */
export const subjectSchema = z
  .object({
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(attributeConditionSchema).max(50).default([]),
  })
  .strict();

export const objectKinds = ['dataset', 'column', 'metric', 'glossary'] as const;
export type ObjectKind = (typeof objectKinds)[number];

/** Which catalog objects a policy covers. Each given field must match (any of its values); none: everything. */
export const resourceSelectorSchema = z
  .object({
    kinds: z.array(z.enum(objectKinds)).min(1).optional(),
    tags: z.array(z.string().trim().min(1).max(100)).min(1).optional(),
    domains: z.array(z.string().trim().min(1).max(100)).min(1).optional(),
    sensitivities: z.array(z.enum(Sensitivity)).min(1).optional(),
    paths: z.array(pathGlob).min(1).max(200).optional(),
  })
  .strict();

export type ResourceSelector = z.infer<typeof resourceSelectorSchema>;

export const maskMethods = ['hash', 'redact', 'null', 'partial', 'year', 'expression'] as const;

/** SQL fragments authored by governance: no statement separators, no comments. */
const safeSqlFragment = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((text) => !/;|--|\/\*|\*\//.test(text), 'must not contain ; or SQL comments');

export const maskSchema = z
  .object({
    /** The columns masked: by tag and/or path glob. */
    columns: resourceSelectorSchema
      .pick({ tags: true, paths: true })
      .refine((columns) => columns.tags || columns.paths, {
        message: 'name columns by tags or paths',
      }),
    method: z.enum(maskMethods),
    /** `partial`: how many trailing characters stay visible. */
    keepLast: z.number().int().min(1).max(20).optional(),
    /** `expression`: SQL over `{{column}}`, e.g. `left({{column}}, 3) || '***'`. */
    expression: safeSqlFragment.optional(),
  })
  .strict()
  .superRefine((mask, context) => {
    if (mask.method === 'partial' && mask.keepLast === undefined) {
      context.addIssue({ code: 'custom', path: ['keepLast'], message: 'partial masks need keepLast' });
    }
    if (mask.method === 'expression' && !mask.expression?.includes('{{column}}')) {
      context.addIssue({
        code: 'custom',
        path: ['expression'],
        message: 'expression masks need an expression using {{column}}',
      });
    }
  });

export type Mask = z.infer<typeof maskSchema>;

/** `region = {{human.region}}`: placeholders name human attributes and are rendered as quoted literals. */
export const rowFilterTemplateSchema = safeSqlFragment.superRefine((template, context) => {
  for (const match of template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    const name = match[1]!.replace(/^human\./, '');
    if (!match[1]!.startsWith('human.') || !humanAttributeSchema.safeParse(name).success) {
      context.addIssue({
        code: 'custom',
        message: `unknown placeholder {{${match[1]}}}: use {{human.<attribute>}}`,
      });
    }
  }
  if (/\{\{|\}\}/.test(template.replace(/\{\{\s*[^}]*?\s*\}\}/g, ''))) {
    context.addIssue({ code: 'custom', message: 'unbalanced {{ }}' });
  }
});

export const rowFilterSchema = z
  .object({
    /** The datasets filtered (globs); default: every dataset the policy covers. */
    datasets: z.array(pathGlob).min(1).optional(),
    predicate: rowFilterTemplateSchema,
  })
  .strict();

export type RowFilter = z.infer<typeof rowFilterSchema>;

/**
 * The doors a policy or rule applies through (`mcp`, `graphql`, ...). `graphql` covers `console`
 * as well (the console is a GraphQL client over a person's session); `console` alone names only
 * the console.
 */
export const channelsConditionSchema = z.array(z.enum(channelNames)).min(1).max(channelNames.length);

/**
 * The client software that says it makes the call (MCP `clientInfo.name`). What a client says is
 * not proof: name clients to narrow what an allow gives, not as the only guard of a deny.
 */
export const clientsConditionSchema = z.array(z.string().trim().min(1).max(200)).min(1).max(100);

export const policyIdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_.-]{1,99}$/,
    'must be 2-100 lowercase letters, digits, _ . - and start with a letter',
  );

export const policySchema = z
  .object({
    id: policyIdSchema,
    description: z.string().trim().min(1).max(2000),
    effect: z.enum(['allow', 'deny']),
    /** allow: the tier granted. deny: DISCOVER hides the objects, READ caps them at DISCOVER. */
    tier: z.enum(Tier),
    subjects: subjectSchema.prefault({}),
    resources: resourceSelectorSchema.prefault({}),
    /** Intents the policy applies under; `any` (default) for every intent. */
    intents: z.union([z.literal('any'), z.array(z.string().min(1).max(100)).min(1)]).default('any'),
    /**
     * The doors the policy applies through; none: every door. Over any other door an allow gives
     * nothing and a deny takes nothing away. `graphql` also covers `console` (GraphQL over the
     * console's session); `console` alone singles the console out.
     */
    channels: channelsConditionSchema.optional(),
    /** The clients (MCP `clientInfo.name`) the policy applies to; none: any client, or none. */
    clients: clientsConditionSchema.optional(),
    masks: z.array(maskSchema).max(50).default([]),
    rowFilters: z.array(rowFilterSchema).max(50).default([]),
    validFrom: z.coerce.date().optional(),
    validUntil: z.coerce.date().optional(),
  })
  .strict()
  .superRefine((policy, context) => {
    if (policy.validFrom && policy.validUntil && policy.validFrom >= policy.validUntil) {
      context.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
    }
    // A client names itself: any client can give another name, or none.
    if (policy.effect === 'deny' && policy.clients) {
      context.addIssue({
        code: 'custom',
        path: ['clients'],
        message: 'a deny cannot rely on client names (a client can give any name): name channels instead',
      });
    }
    if (policy.effect === 'deny' && (policy.masks.length > 0 || policy.rowFilters.length > 0)) {
      context.addIssue({
        code: 'custom',
        path: ['effect'],
        message: 'masks and row filters belong to allow policies',
      });
    }
    if (
      policy.tier === 'DISCOVER' &&
      policy.effect === 'allow' &&
      (policy.masks.length > 0 || policy.rowFilters.length > 0)
    ) {
      context.addIssue({ code: 'custom', path: ['tier'], message: 'masks and row filters need tier READ' });
    }
  });

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

export const policySetSchema = z
  .array(policySchema)
  .max(10_000)
  .superRefine((policies, context) => {
    const seen = new Set<string>();
    policies.forEach((policy, index) => {
      if (seen.has(policy.id))
        context.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `duplicate policy id ${policy.id}`,
        });
      seen.add(policy.id);
    });
  });
