import type { McpTool } from '../mcp-tool.ts';

/** The access-request tools: file a request, follow it, list grants (an agent never decides). */
export const requestTools: readonly McpTool[] = [];
