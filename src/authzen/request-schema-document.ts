import { authzenPaths } from './authzen-paths.ts';

/**
 * The JSON Schema behind a requestable denial's `request_schema_url` (access-request profile §6):
 * what a submission must add to the denied evaluation. aperture needs a justification (approvers
 * read it) and takes an optional end time; everything else comes from the evaluation itself.
 */
export function accessRequestSchemaDocument(origin: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${origin}${authzenPaths.requestSchema}`,
    title: 'aperture access request augmentations',
    type: 'object',
    required: ['context'],
    properties: {
      context: {
        type: 'object',
        required: ['justification'],
        properties: {
          justification: {
            type: 'string',
            minLength: 10,
            maxLength: 2000,
            description:
              'Why the person the agent acts for needs it; approvers read it. business_justification is read too.',
          },
        },
      },
      requested_access: {
        type: 'object',
        properties: {
          requested_until: {
            type: 'string',
            format: 'date-time',
            description: 'Until when (default an hour from now; rules may shorten it).',
          },
        },
      },
    },
  };
}
