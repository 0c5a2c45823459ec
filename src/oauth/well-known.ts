import type http from 'node:http';
import type { AuditLog } from '../audit/log/audit-log.ts';
import { jwtBearerGrantType } from '../identity/exchange/id-jag-request.ts';
import type { IdentityConfig } from '../identity/identity-config.ts';
import type { SigningKeys } from '../identity/tokens/signing-keys.ts';
import { tokenExchangeGrantType } from '../identity/tokens/token-types.ts';
import { mcpResourceMetadataPath, mcpResourceUrl, publicOrigin } from '../server/resource-urls.ts';
import { tokenEndpointPath } from './token-endpoint.ts';

export const wellKnownPath = '/.well-known';
export const auditCheckpointPath = '/.well-known/aperture-audit-checkpoint';

/** JWKS (public keys of delegation tokens), RFC 8414 authorization server metadata, and the audit log's latest checkpoint. */
export function wellKnownEndpoints(
  keys: SigningKeys,
  config: IdentityConfig,
  publicUrl: string | null,
  audit: Pick<AuditLog, 'latest'>,
) {
  return async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const path = (request.url ?? '').split('?')[0];
    if (path === auditCheckpointPath) {
      // The newest signed checkpoint and the key that verifies it; anyone may fetch and keep it.
      const latest = await audit.latest();
      if (!latest) return json(response, { error: 'no_checkpoint_yet' }, 'no-store', 404);
      return json(response, latest);
    }
    if (path === '/.well-known/jwks.json') {
      return json(response, await keys.jwks(), 'public, max-age=300');
    }
    if (path === mcpResourceMetadataPath) {
      // RFC 9728 for the MCP endpoint: its tokens come from our own token endpoint (RFC 8693
      // exchange, with `resource` set to this endpoint), in the Authorization header only.
      const base = publicOrigin(request.headers.host, publicUrl);
      return json(response, {
        resource: mcpResourceUrl(base),
        authorization_servers: [base],
        bearer_methods_supported: ['header'],
        resource_name: 'aperture MCP',
      });
    }
    if (path === '/.well-known/oauth-authorization-server') {
      const base = publicOrigin(request.headers.host, publicUrl);
      // Built from the Host header unless APERTURE_PUBLIC_URL is set: never cached by shared caches.
      return json(response, {
        issuer: config.issuer,
        token_endpoint: `${base}${tokenEndpointPath}`,
        jwks_uri: `${base}/.well-known/jwks.json`,
        // RFC 8693 token exchange, and the jwt-bearer grant that redeems an ID-JAG (RFC 7523).
        grant_types_supported: [tokenExchangeGrantType, jwtBearerGrantType],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        response_types_supported: [],
      });
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'not_found' }));
  };
}

function json(response: http.ServerResponse, body: unknown, cacheControl = 'no-store', status = 200): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': cacheControl,
    vary: 'Host',
  });
  response.end(JSON.stringify(body));
}
