import { z } from 'zod';

/**
 * The request bodies of the AuthZEN endpoints (Authorization API 1.0 §5–§8). Unknown members are
 * ignored, as §12.1.1 requires; what aperture cannot decide (an unknown resource type or action)
 * is a 400 naming what it can.
 */

const properties = z.record(z.string(), z.unknown()).optional();

/** What aperture decides on: catalog objects, by their catalog path (glossary terms by name). */
export const resourceTypes = ['dataset', 'column', 'metric', 'glossary_term'] as const;
export type ResourceType = (typeof resourceTypes)[number];

/** The kind of catalog object each resource type stands for (as the slice names kinds). */
export const catalogKindOf = {
  dataset: 'dataset',
  column: 'column',
  metric: 'metric',
  glossary_term: 'glossary',
} as const satisfies Record<ResourceType, string>;

/** discover: know it exists and what it holds; read: query it (with its masks and row filter). */
export const actionNames = ['discover', 'read'] as const;
export type ActionName = (typeof actionNames)[number];

export const subjectSchema = z.looseObject({
  type: z.literal('user', {
    error: 'subject.type must be user: the person the agent acts for (the agent chain is in the token)',
  }),
  id: z.string({ error: 'subject.id is required' }).min(1, 'subject.id is required').max(320),
  properties: z.looseObject({
    token: z
      .string({
        error:
          "subject.properties.token is required: forward the agent's delegation token (or the person's own token); aperture verifies the subject, it never takes it on the caller's word",
      })
      .min(1)
      .max(16_384, 'subject.properties.token is too large'),
  }),
});
export type Subject = z.infer<typeof subjectSchema>;

export const actionSchema = z.looseObject({
  name: z.enum(actionNames, { error: `action.name must be ${actionNames.join(' or ')}` }),
  properties,
});

const resourceType = z.enum(resourceTypes, {
  error: `resource.type must be one of ${resourceTypes.join(', ')}`,
});

export const resourceSchema = z.looseObject({
  type: resourceType,
  id: z.string({ error: 'resource.id is required' }).min(1, 'resource.id is required').max(1000),
  properties,
});
export type Resource = z.infer<typeof resourceSchema>;

export const contextSchema = z.record(z.string(), z.unknown());

export const evaluationRequestSchema = z.looseObject({
  subject: subjectSchema,
  action: actionSchema,
  resource: resourceSchema,
  context: contextSchema.optional(),
});
export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;

export const evaluationsSemantics = ['execute_all', 'deny_on_first_deny', 'permit_on_first_permit'] as const;

/** At most this many evaluations in one request (§14.6: a PDP protects itself). */
export const maxEvaluations = 200;

export const evaluationsRequestSchema = z.looseObject({
  subject: z.unknown().optional(),
  action: z.unknown().optional(),
  resource: z.unknown().optional(),
  context: contextSchema.optional(),
  evaluations: z
    .array(
      z.looseObject({
        subject: z.unknown().optional(),
        action: z.unknown().optional(),
        resource: z.unknown().optional(),
        context: contextSchema.optional(),
      }),
    )
    .max(maxEvaluations, `at most ${maxEvaluations} evaluations in one request`)
    .optional(),
  options: z
    .looseObject({
      evaluations_semantic: z
        .enum(evaluationsSemantics, {
          error: `options.evaluations_semantic must be one of ${evaluationsSemantics.join(', ')}`,
        })
        .optional(),
    })
    .optional(),
});

export const maxSearchPageSize = 500;
export const defaultSearchPageSize = 100;

export const resourceSearchRequestSchema = z.looseObject({
  subject: subjectSchema,
  action: actionSchema,
  resource: z.looseObject({ type: resourceType, id: z.unknown().optional(), properties }),
  context: contextSchema.optional(),
  page: z
    .looseObject({
      token: z.string().max(2000).optional(),
      limit: z
        .number()
        .int()
        .min(0)
        .max(maxSearchPageSize, `page.limit is at most ${maxSearchPageSize}`)
        .optional(),
      properties,
    })
    .optional(),
});
export type ResourceSearchRequest = z.infer<typeof resourceSearchRequestSchema>;

/** The problems of a body that does not parse, in one line (the 400's message). */
export function describeProblems(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.join('.');
      return issue.message.startsWith(where.split('.')[0] ?? '\0') || !where
        ? issue.message
        : `${where}: ${issue.message}`;
    })
    .join('; ');
}
