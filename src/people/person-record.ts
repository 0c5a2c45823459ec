import { z } from 'zod';
import type { JsonObject } from '../shared/json.ts';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? null : value))
  .nullish()
  .transform((value) => value ?? null);

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const requiredText = () =>
  z.string({
    error: (issue) => (issue.input === undefined || issue.input === null ? 'is required' : 'must be text'),
  });

/** One person as the people file states them. Keys of the JSON form; CSV columns map onto them. */
export const personRecordSchema = z
  .object({
    email: requiredText()
      .trim()
      .toLowerCase()
      .pipe(z.email({ message: 'must be an email address' })),
    name: requiredText().trim().min(1, 'must not be empty'),
    title: optionalText,
    department: optionalText,
    region: optionalText,
    groups: z.array(z.string().trim().min(1, 'group names must not be empty')).default([]),
    manager: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ message: 'must be the email of the manager' }))
      .nullish()
      .transform((value) => value ?? null),
    /** The person's `sub` at the identity provider, when tokens are mapped by subject. */
    subject: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .nullish()
      .transform((value) => value ?? null),
    slackUserId: z

      .string()
      .trim()
      .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U024BE7LH')
      .nullish()
      .transform((value) => value ?? null),
    attributes: z.record(z.string(), jsonValue).default({}),
  })
  .strict();

export type PersonRecord = Omit<z.infer<typeof personRecordSchema>, 'attributes'> & {
  attributes: JsonObject;
};
