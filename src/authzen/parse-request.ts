import type { z } from 'zod';
import { AuthzenRequestError } from './authzen-answers.ts';
import { describeProblems } from './authzen-schemas.ts';

/** A request body parsed by its schema, or the 400 (§12.1.2) naming every problem; `where` prefixes it. */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  where = '',
): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AuthzenRequestError(400, `${where}${describeProblems(parsed.error)}`);
  return parsed.data;
}
