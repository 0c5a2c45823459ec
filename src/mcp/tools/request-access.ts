import { z } from 'zod';
import { accessRequestInputSchema, defaultRequestDuration } from '../../requests/request-input.ts';
import { defineTool } from '../mcp-tool.ts';
import {
  fitRequestAnswer,
  pathsNotShownLine,
  pathsNotShownSchema,
  requestText,
  requestView,
  requestViewSchema,
} from '../render/access-request-view.ts';

// The same input as GraphQL's requestAccess (the module validates it again, as for every door),
// with field descriptions for the agent.
const input = accessRequestInputSchema.extend({
  paths: accessRequestInputSchema.shape.paths.describe(
    'Catalog paths of datasets, columns or metrics, or glossary term names (1 to 50).',
  ),
  tier: accessRequestInputSchema.shape.tier.describe(
    'DISCOVER: know it exists and what it holds; READ: query it.',
  ),
  justification: accessRequestInputSchema.shape.justification.describe(
    'Why the person you act for needs it (10 to 2000 characters); approvers read it.',
  ),
  duration: accessRequestInputSchema.shape.duration.describe(
    `How long: ISO 8601 (PT1H, P1D) or whole seconds. Default ${defaultRequestDuration}; rules may shorten it.`,
  ),
  scope: accessRequestInputSchema.shape.scope.describe(
    'TIME (default): until it expires. TASK: also only within the task of your token.',
  ),
});

const output = z.object({
  request: requestViewSchema,
  pathsNotShown: pathsNotShownSchema,
  duplicate: z
    .boolean()
    .describe(
      'True when an identical request was already pending: that one is returned, nothing new is filed.',
    ),
});

export const requestAccessTool = defineTool({
  name: 'request_access',
  title: 'Ask for more access',
  description: [
    'Asks for access beyond what you see now, for the person you act for.',
    'Rules decide at once (APPROVED with a grant that counts from your next call, or DENIED with the reason) or route the request to human approvers (PENDING: the answer says what it waits for; wait with get_access_request).',
    'Asking again for the same objects, tier and scope while a request is pending returns that request (duplicate: true).',
    `The duration defaults to ${defaultRequestDuration}.`,
    'Objects you cannot see are reported as not found, like objects that do not exist.',
  ].join(' '),
  input,
  output,
  // Not idempotent: a retry of a pending request returns it, but a retry after a decision files
  // a new request (audited, counted against the hourly limits).
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: false },
  async run(args, { caller: { viewer }, modules: { requests }, options }) {
    const filed = await requests.request(viewer, args);
    const view = await requestView(requests, viewer, filed.request);
    return fitRequestAnswer(view, options.resultTokens, (shown, pathsNotShown) => {
      const lines = [...requestText(shown), ...pathsNotShownLine(pathsNotShown)];
      if (filed.duplicate)
        lines.splice(1, 0, 'an identical request was already pending: this is that request');
      return {
        structured: { request: shown, pathsNotShown, duplicate: filed.duplicate },
        text: lines.join('\n'),
      };
    });
  },
});
