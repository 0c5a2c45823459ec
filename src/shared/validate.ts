import type { z } from 'zod';
import { InvalidInputError } from './errors.ts';

/** Parses input with a zod schema; failures become INVALID_INPUT naming each field and reason. */
export function validateInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  inputName: string,
): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(
    inputName,
    parsed.error.issues.map((issue) => ({
      location: issue.path.join('.') || inputName,
      message: issue.message,
    })),
  );
}
