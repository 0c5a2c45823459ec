import { z } from 'zod';
import type { Tier } from '../../../generated/prisma/enums.ts';
import { type Sensitivity, sensitivityOrder } from '../../catalog/sensitivity.ts';

const hour = 3_600;
const day = 24 * hour;

/** The longest grant per tier and sensitivity (of the most sensitive object requested), in seconds. */
export type GrantMaximums = Record<Tier, Record<Sensitivity, number>>;

/** Configured maximums: any tier and sensitivity left out keeps its default. */
export const grantMaximumsOverrideSchema = z
  .object({
    READ: z.partialRecord(z.enum(sensitivityOrder), z.number().int().positive()).optional(),
    DISCOVER: z.partialRecord(z.enum(sensitivityOrder), z.number().int().positive()).optional(),
  })
  .strict();

export type GrantMaximumsOverride = z.infer<typeof grantMaximumsOverrideSchema>;

export const defaultGrantMaximums: GrantMaximums = {
  READ: { PUBLIC: 30 * day, INTERNAL: 7 * day, CONFIDENTIAL: 8 * hour, RESTRICTED: hour },
  DISCOVER: { PUBLIC: 90 * day, INTERNAL: 30 * day, CONFIDENTIAL: 7 * day, RESTRICTED: day },
};

export interface GrantTerm {
  now: Date;
  tier: Tier;
  sensitivity: Sensitivity;
  requestedSeconds: number;
  /** What the approver chose (null: an automatic approval). */
  approvedSeconds: number | null;
  /** The approving rule's maximum, or the routing rule's maximum for human approvals. */
  ruleMaxSeconds: number | null;
  /** Task-scoped grants end with the task's delegation token. */
  taskEndsAt: Date | null;
}

/**
 * When a grant ends: the earliest of what was requested, approved, the rule's maximum, the
 * configured maximum for its tier and sensitivity, and (task scope) the end of the task. Pure.
 */
export function grantExpiry(term: GrantTerm, maximums: GrantMaximums): Date {
  const seconds = Math.min(
    term.requestedSeconds,
    term.approvedSeconds ?? Number.POSITIVE_INFINITY,
    term.ruleMaxSeconds ?? Number.POSITIVE_INFINITY,
    maximums[term.tier][term.sensitivity],
  );
  const byDuration = term.now.getTime() + seconds * 1000;
  return new Date(Math.min(byDuration, term.taskEndsAt?.getTime() ?? Number.POSITIVE_INFINITY));
}
