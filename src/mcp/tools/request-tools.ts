import type { McpTool } from '../mcp-tool.ts';
import { getAccessRequestTool } from './get-access-request.ts';
import { listMyGrantsTool } from './list-my-grants.ts';
import { requestAccessTool } from './request-access.ts';

/**
 * The access-request tools: file a request, follow it (waiting for the decision), list grants.
 * There is no tool to approve or deny: an agent never decides a request, over any door.
 */
export const requestTools: readonly McpTool[] = [requestAccessTool, getAccessRequestTool, listMyGrantsTool];
