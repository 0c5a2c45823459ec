import type { McpTool } from '../mcp-tool.ts';
import { catalogTools } from './catalog-tools.ts';
import { getDatabaseCredentialTool } from './get-database-credential.ts';
import { requestTools } from './request-tools.ts';
import { whoamiTool } from './whoami.ts';

/** Every tool of the MCP door, in the order tools/list shows them. */
export const mcpTools: readonly McpTool[] = [
  whoamiTool,
  ...catalogTools,
  ...requestTools,
  getDatabaseCredentialTool,
];
