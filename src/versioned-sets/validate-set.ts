import type { z } from 'zod';
import { InvalidInputError } from '../shared/errors.ts';

/**
 * Validates a whole set (policies, rules) with its zod schema. Each problem names the item by
 * position and id, and the field: `rules[2] (finance-read).when.tiers`.
 */
export function validateSet<T>(schema: z.ZodType<T[]>, input: unknown, inputName: string, noun: string): T[] {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const idAt = (index: unknown) =>
    Array.isArray(input) && typeof index === 'number'
      ? (input[index] as { id?: unknown } | undefined)?.id
      : undefined;
  throw new InvalidInputError(
    inputName,
    parsed.error.issues.map((issue) => {
      const [index, ...field] = issue.path;
      const id = idAt(index);
      const where =
        typeof index === 'number' ? `${noun}[${index}]${typeof id === 'string' ? ` (${id})` : ''}` : noun;
      return { location: [where, ...field.map(String)].join('.'), message: issue.message };
    }),
  );
}
