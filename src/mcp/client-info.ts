import { CLIENT_INFO_META_KEY, type McpServer, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { McpClientInfo } from './mcp-caller.ts';

const implementationSchema = z.object({
  name: z.string().min(1).max(200),
  version: z.string().max(100).optional(),
});

/**
 * The client software named by the call (its per-request envelope, 2026-07-28) or by the
 * connection's handshake (2025 era, stdio). Said by the client: recorded and usable by policies,
 * never taken for identity.
 */
export function clientInfoOf(context: ServerContext, server: McpServer): McpClientInfo | null {
  const envelope: Record<string, unknown> = context.mcpReq.envelope ?? {};
  const said = implementationSchema.safeParse(
    envelope[CLIENT_INFO_META_KEY] ?? server.server.getClientVersion(),
  );
  return said.success ? { name: said.data.name, version: said.data.version ?? null } : null;
}
