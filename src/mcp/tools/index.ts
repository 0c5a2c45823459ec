import type { McpTool } from '../mcp-tool.ts';
import { whoamiTool } from './whoami.ts';

/** Every tool of the MCP door, in the order tools/list shows them. */
export const mcpTools: readonly McpTool[] = [whoamiTool];
