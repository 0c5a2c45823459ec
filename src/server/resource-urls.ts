/**
 * The URLs the doors of the service are known by. Without APERTURE_PUBLIC_URL they come from the
 * request's Host header (a development server on localhost); behind a proxy, set it.
 */
export function publicOrigin(hostHeader: string | undefined, publicUrl: string | null): string {
  return publicUrl ?? `http://${hostHeader ?? 'localhost'}`;
}

/** The MCP endpoint (Streamable HTTP), an OAuth 2.1 resource server. */
export const mcpPath = '/mcp';

/** Where its RFC 9728 Protected Resource Metadata is published (the path-aware well-known URL). */
export const mcpResourceMetadataPath = `/.well-known/oauth-protected-resource${mcpPath}`;

/** Its RFC 8707 resource identifier: what clients send as `resource`, and delegation tokens' `aud`. */
export function mcpResourceUrl(origin: string): string {
  return `${origin}${mcpPath}`;
}
