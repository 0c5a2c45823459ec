import { z } from 'zod';
import { GrantScope, Tier } from '../../generated/prisma/enums.ts';
import { durationSchema } from '../shared/duration.ts';
import { ApertureError } from '../shared/errors.ts';

/**
 * Ids of requests and grants are taken as any short string: one that is no uuid names nothing,
 * and answers exactly like a uuid that names nothing (NOT_FOUND), so that the shape of an answer
 * never tells a real id from an invented one.
 */
const idSchema = z.string().trim().min(1).max(200);

export const isUuid = (id: string) => z.uuid().safeParse(id).success;

export const requestNotFound = (id: string) =>
  new ApertureError('NOT_FOUND', `no access request has the id ${id}`);

export const grantNotFound = (id: string) => new ApertureError('NOT_FOUND', `no grant has the id ${id}`);

/** When a request names no duration: an hour, long enough for a session's questions (rules may shorten it). */
export const defaultRequestDuration = 'PT1H';

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
    duration: durationSchema.prefault(defaultRequestDuration),
    scope: z.enum(GrantScope).default('TIME'),
  })
  .strict();

export type AccessRequestInput = z.output<typeof accessRequestInputSchema>;

/** A request as an agent writes it; parsed by `fileAccessRequest`. */
export type FileRequestInput = z.input<typeof accessRequestInputSchema>;

export const extensionInputSchema = z
  .object({
    grantId: idSchema,
    justification: z.string().trim().min(10, 'say why, in at least 10 characters').max(2000),
    duration: durationSchema,
  })
  .strict();

export const decisionInputSchema = z
  .object({
    requestId: idSchema,
    /** Approvals: the grant's duration (at most what the request and the rules allow). */
    duration: durationSchema.optional(),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict();

export type ExtensionInput = z.input<typeof extensionInputSchema>;

export type DecisionInput = z.input<typeof decisionInputSchema>;
