import { z } from 'zod';
import { validateInput } from '../../shared/validate.ts';

/** Enough for any screen or query a person writes; a longer list is a mistake or a probe. */
const maxValues = 100;

const value = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const values = z.array(value).max(maxValues, `must list at most ${maxValues} values`).nullish();

const auditEventFilterSchema = z
  .object({
    humans: values,
    agents: values,
    intents: values,
    types: values,
    subjects: z
      .array(z.object({ kind: value, id: value }))
      .max(maxValues, `must list at most ${maxValues} subjects`)
      .nullish(),
    from: z.date().nullish(),
    to: z.date().nullish(),
  })
  .superRefine((filter, context) => {
    if (filter.from && filter.to && filter.from >= filter.to) {
      context.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
    }
  });

/**
 * Which events to read. Every list is "any of these"; the lists combine with AND; a missing or
 * empty list does not filter. `from` is inclusive, `to` exclusive (so consecutive windows meet).
 */
export interface AuditEventFilter {
  /** Person ids (or emails) the events were done by or for (`actorHumanId`). */
  humans?: string[];
  /** Agent ids or OAuth client ids anywhere in the event's agent chain. */
  agents?: string[];
  intents?: string[];
  types?: string[];
  subjects?: { kind: string; id: string }[];
  from?: Date;
  to?: Date;
}

const listKeys = ['humans', 'agents', 'intents', 'types'] as const;

/** A filter as a caller writes it: GraphQL's nulls for missing fields are accepted. */
export type AuditEventFilterInput = z.input<typeof auditEventFilterSchema>;

/** Validates a filter as GraphQL hands it over (nulls for missing); INVALID_INPUT names the field. */
export function parseAuditEventFilter(input: AuditEventFilterInput | null | undefined): AuditEventFilter {
  const parsed = validateInput(auditEventFilterSchema, input ?? {}, 'filter');
  const filter: AuditEventFilter = {};
  for (const key of listKeys) {
    const list = parsed[key];
    if (list && list.length > 0) filter[key] = [...new Set(list)];
  }
  if (parsed.subjects && parsed.subjects.length > 0) filter.subjects = parsed.subjects;
  if (parsed.from) filter.from = parsed.from;
  if (parsed.to) filter.to = parsed.to;
  return filter;
}
