import { z } from 'zod';
import { GrantScope, Tier } from '../../generated/prisma/enums.ts';
import { durationSchema } from '../shared/duration.ts';

/** What an agent asks for. Paths are catalog paths; metrics and glossary terms go by name. */
export const accessRequestInputSchema = z
  .object({
    paths: z
      .array(z.string().trim().min(1).max(1000))
      .min(1, 'name at least one object')
      .max(50)
      .transform((paths) => [...new Set(paths)].sort()),
    tier: z.enum(Tier),
    justification: z.string().trim().min(10, 'say why, in at least 10 characters').max(2000),
    duration: durationSchema,
    scope: z.enum(GrantScope).default('TIME'),
  })
  .strict();

export type AccessRequestInput = z.output<typeof accessRequestInputSchema>;

export const extensionInputSchema = z
  .object({
    grantId: z.uuid(),
    justification: z.string().trim().min(10, 'say why, in at least 10 characters').max(2000),
    duration: durationSchema,
  })
  .strict();

export const decisionInputSchema = z
  .object({
    requestId: z.uuid(),
    /** Approvals: the grant's duration (at most what the request and the rules allow). */
    duration: durationSchema.optional(),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict();
