import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/** The SDK's own client, over Streamable HTTP to `<serviceUrl>/mcp`, presenting `token`. */
export async function connectMcp(
  serviceUrl: string,
  token: string,
  clientInfo = { name: 'aperture-tests', version: '1.0.0' },
): Promise<Client> {
  const client = new Client(clientInfo);
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${serviceUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** The MCP endpoint's RFC 8707 resource identifier on a test service. */
export const mcpResource = (serviceUrl: string) => `${serviceUrl}/mcp`;
