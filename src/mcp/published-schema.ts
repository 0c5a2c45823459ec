import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { McpTool } from './mcp-tool.ts';

type JsonSchemaOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['input']>[0];

/** A tool's schemas as the SDK takes them: built once per process, shared by every server instance. */
export interface PublishedSchemas {
  input: StandardSchemaWithJSON;
  output: StandardSchemaWithJSON;
}

const published = new WeakMap<McpTool, PublishedSchemas>();

/**
 * A tool's schemas with their JSON Schema converted once per process (the SDK converts on every
 * call of a new server instance, and the door builds one per request: measured at 0.3-1.5 ms a
 * call). The input validates nothing: the tool validates its arguments itself, so a bad argument
 * is our INVALID_INPUT naming the field, not the SDK's wrapped library message. The output
 * validates with zod, as the SDK would.
 */
export function publishedSchemas(tool: McpTool): PublishedSchemas {
  let schemas = published.get(tool);
  if (!schemas) {
    schemas = {
      input: convertedOnce(tool.input, (value) => ({ value })),
      output: convertedOnce(tool.output, tool.output['~standard'].validate),
    };
    published.set(tool, schemas);
  }
  return schemas;
}

function convertedOnce(
  schema: z.ZodObject,
  validate: StandardSchemaWithJSON['~standard']['validate'],
): StandardSchemaWithJSON {
  const { jsonSchema } = schema['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: 'aperture',
      validate,
      jsonSchema: { input: memoized(jsonSchema.input), output: memoized(jsonSchema.output) },
    },
  };
}

/** One conversion per target (the SDK asks for one). Callers copy the result; nobody mutates it. */
function memoized(convert: (options: JsonSchemaOptions) => Record<string, unknown>) {
  const byTarget = new Map<string, Record<string, unknown>>();
  return (options: JsonSchemaOptions) => {
    let converted = byTarget.get(options.target);
    if (!converted) {
      converted = convert(options);
      byTarget.set(options.target, converted);
    }
    return converted;
  };
}
