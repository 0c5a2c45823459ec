import type { McpTool } from '../mcp-tool.ts';

/** The catalog tools: search, describe, metrics, explain, SQL context (reads of the caller's slice). */
export const catalogTools: readonly McpTool[] = [];
