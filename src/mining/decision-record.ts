import { z } from 'zod';
import { decisionConsentSchema } from './decision-consent.ts';

/** One attribute value: a string, or a list for multi-valued attributes (tags, groups) that conditions test with "contains". */
export const attributeValueSchema = z.union([z.string(), z.array(z.string())]);
export type AttributeValue = z.infer<typeof attributeValueSchema>;

const attributeMapSchema = z.record(z.string().min(1), attributeValueSchema);

/**
 * A human decision on an access request, with the attributes the decider saw at the time (a
 * snapshot, so that mining learns from what was really decided). The miner reads attributes under
 * three namespaces: `human.<key>` (the requester), `resource.<key>` (path, kind, tags, domain,
 * sensitivity and any extra attributes) and `request.<key>` (intent, tier, agent).
 */
export const decisionRecordSchema = z.object({
  id: z.string().min(1),
  decidedAt: z.coerce.date(),
  outcome: z.enum(['approved', 'denied']),
  /** Who decided; null when the history does not say (such decisions count towards no approver). */
  approver: z.object({ id: z.string().min(1), team: z.string().min(1).nullable() }).nullable(),
  /** The requesting human's attributes, e.g. `{ department: 'finance', groups: ['analysts'] }`. */
  human: attributeMapSchema,
  resource: z.object({
    path: z.string().min(1),
    kind: z.string().min(1),
    tags: z.array(z.string()),
    domain: z.string().min(1).nullable(),
    sensitivity: z.string().min(1),
    /** Further resource attributes, mined as `resource.<key>` (keys other than the fields above). */
    attributes: attributeMapSchema.optional(),
  }),
  request: z.object({
    intent: z.string().min(1).nullable(),
    tier: z.string().min(1),
    /** The client id of the agent that filed the request. */
    agent: z.string().min(1),
  }),
  /**
   * The person's answer to the request's confirmation; absent or null when they were not asked. A
   * "not me" decision is the person's, not an approver's: leave `approver` null for it.
   */
  consent: decisionConsentSchema.nullish(),
});

/** A validated decision record (see {@link decisionRecordSchema}). */
export type DecisionRecord = z.output<typeof decisionRecordSchema>;
