import type { AgentViewer } from '../identity/viewer.ts';
import type { Logger } from '../logging/logger.ts';
import type { SliceCatalogReader } from '../policy/slice/slice-catalog-reader.ts';

/** The client software an agent says it is (MCP `clientInfo`): recorded, never trusted for identity. */
export interface McpClientInfo {
  name: string;
  version: string | null;
}

/**
 * Who calls one MCP tool: the agent chain its delegation token names, checked against the current
 * state for this call exactly as GraphQL checks it, and the reader of its slice.
 */
export interface McpCaller {
  viewer: AgentViewer;
  /** 'http' (Streamable HTTP at /mcp) or 'stdio' (`aperture mcp`). */
  transport: 'http' | 'stdio';
  client: McpClientInfo | null;
  requestId: string;
  logger: Logger;
  catalog: SliceCatalogReader;
}
