import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';

/**
 * A tool's input schema as tools/list publishes it (zod's own JSON Schema), with a validation that
 * lets every value through: the tool validates its arguments itself, so a bad argument is our
 * INVALID_INPUT naming the field, not the SDK's wrapped library message.
 */
export function publishedInputSchema(schema: z.ZodObject): StandardSchemaWithJSON {
  const zodStandard = schema['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: 'aperture',
      validate: (value: unknown) => ({ value }),
      jsonSchema: zodStandard.jsonSchema,
    },
  };
}
