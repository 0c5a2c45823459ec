import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/**
 * The SDK's own client, over Streamable HTTP to `<serviceUrl>/mcp`, presenting `token`. It speaks
 * the 2026-07-28 revision (per-request envelopes, no session) unless `era: 'legacy'` asks for the
 * 2025 handshake the SDK's client still uses by default.
 */
export async function connectMcp(
  serviceUrl: string,
  token: string,
  options: { clientInfo?: { name: string; version: string }; era?: 'modern' | 'legacy' } = {},
): Promise<Client> {
  const client = new Client(options.clientInfo ?? { name: 'aperture-tests', version: '1.0.0' }, {
    versionNegotiation: { mode: options.era === 'legacy' ? 'legacy' : 'auto' },
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${serviceUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** The MCP endpoint's RFC 8707 resource identifier on a test service. */
export const mcpResource = (serviceUrl: string) => `${serviceUrl}/mcp`;
