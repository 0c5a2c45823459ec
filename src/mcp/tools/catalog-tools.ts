import type { McpTool } from '../mcp-tool.ts';
import { describeObjectTool } from './describe-object.ts';
import { explainAccessTool } from './explain-access.ts';
import { getSqlContextTool } from './get-sql-context.ts';
import { listMetricsTool } from './list-metrics.ts';
import { searchCatalogTool } from './search-catalog.ts';

/** The catalog tools: search, describe, metrics, explain, SQL context (reads of the caller's slice). */
export const catalogTools: readonly McpTool[] = [
  searchCatalogTool,
  describeObjectTool,
  listMetricsTool,
  explainAccessTool,
  getSqlContextTool,
];
