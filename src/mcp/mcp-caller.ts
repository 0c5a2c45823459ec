import type { Channel } from '../audit/channel.ts';
import { type AgentViewer, viewerLogContext } from '../identity/viewer.ts';
import type { Logger } from '../logging/logger.ts';
import { SliceCatalogReader } from '../policy/slice/slice-catalog-reader.ts';
import type { McpModules } from './mcp-modules.ts';

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
  /** The door as policies, rules and audit events see it: `mcp`, with the client's name. */
  channel: Channel;
  requestId: string;
  logger: Logger;
  catalog: SliceCatalogReader;
  /**
   * Checks the credential again against the current state (revocation, suspension, intent, the
   * human still active), for a call that outlives a moment (a wait for a decision). Throws
   * TokenRefusedError.
   */
  recheck(): Promise<void>;
}

/** The channel of a call over MCP: the client is the name it gives, recorded, never identity. */
export function mcpChannel(client: McpClientInfo | null): Channel {
  return { name: 'mcp', client: client?.name ?? null };
}

/** The caller of one tool call, once its viewer is known (over HTTP or stdio alike). */
export async function callerFor(
  modules: Pick<McpModules, 'access' | 'logger'>,
  call: Pick<McpCaller, 'viewer' | 'transport' | 'client' | 'requestId' | 'recheck'>,
): Promise<McpCaller> {
  const { viewer, client, requestId } = call;
  const channel = mcpChannel(client);
  return {
    ...call,
    channel,
    logger: modules.logger.child({ requestId, ...viewerLogContext(viewer), mcpClient: client?.name }),
    catalog: new SliceCatalogReader(await modules.access.sliceFor(viewer, channel)),
  };
}
