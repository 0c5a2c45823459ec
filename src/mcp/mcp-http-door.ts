import type http from 'node:http';
import { type NodeIncomingMessageLike, toNodeHandler } from '@modelcontextprotocol/node';
import { type AuthInfo, createMcpHandler } from '@modelcontextprotocol/server';
import {
  type DatabaseUnavailableError,
  databaseUnavailable,
  unavailableReason,
} from '../db/database-unavailable.ts';
import { TokenRefusedError } from '../identity/token-refusal.ts';
import { type AgentViewer, isAgent } from '../identity/viewer.ts';
import type { Route } from '../server/create-http-server.ts';
import { readJsonBody } from '../server/read-json-body.ts';
import { maxBodyBytes } from '../server/request-guards.ts';
import { requestIdHeader } from '../server/request-id.ts';
import { mcpPath, mcpResourceMetadataPath, mcpResourceUrl, publicOrigin } from '../server/resource-urls.ts';
import { callerFor } from './mcp-caller.ts';
import type { McpModules, McpOptions } from './mcp-modules.ts';
import { buildMcpServer } from './mcp-server.ts';

/** Whom each verified request was authenticated as, and at which resource, for its server factory. */
const verified = new WeakMap<AuthInfo, { viewer: AgentViewer; resource: string }>();

/** An answer the door gives itself, before the SDK sees the request: the same on both faces. */
interface DoorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The MCP door over HTTP: a Node route for the server, and a web `fetch` face (in-process clients). */
export interface McpHttpDoor {
  route: Route;
  fetch(request: Request): Promise<Response>;
}

/**
 * POST /mcp: Streamable HTTP (the 2026-07-28 revision, and 2025-era clients statelessly), an OAuth
 * 2.1 resource server. Before the SDK sees a request, its bearer token must be a delegation token
 * issued for this endpoint (RFC 8707 `aud`), checked against the current state as GraphQL checks
 * it; otherwise 401 with the challenge that names the Protected Resource Metadata (RFC 9728).
 */
export function mcpHttpDoor(modules: McpModules, options: McpOptions, publicUrl: string | null): McpHttpDoor {
  const handler = createMcpHandler(
    ({ authInfo, requestInfo }) => {
      const authenticated = authInfo ? verified.get(authInfo) : undefined;
      // Only reachable if the door's check were bypassed: fail closed.
      if (!authInfo || !authenticated) throw new TokenRefusedError('anonymous', 'authentication is required');
      const { viewer, resource } = authenticated;
      const requestId = requestInfo?.headers.get(requestIdHeader) ?? 'unknown';
      const recheck = async () => {
        await modules.identity.authenticator.authenticate(`Bearer ${authInfo.token}`, {
          kind: 'resource',
          audiences: [resource],
        });
      };
      return buildMcpServer(modules, options, (_context, client) =>
        callerFor(modules, { viewer, transport: 'http', client, requestId, recheck }),
      );
    },
    { onerror: (error) => modules.logger.warn({ err: error }, 'mcp request rejected') },
  );
  const serve = toNodeHandler(handler, {
    onerror: (error) => modules.logger.error({ err: error }, 'mcp request failed'),
  });

  /** The request's AuthInfo once its token holds for this endpoint, or the 401 to answer. */
  async function authenticate(
    authorization: string | null | undefined,
    host: string | null | undefined,
    requestId: string | undefined,
  ): Promise<{ authInfo: AuthInfo } | { refusal: DoorAnswer }> {
    const origin = publicOrigin(host ?? undefined, publicUrl);
    const resource = mcpResourceUrl(origin);
    const challenge = { metadataUrl: `${origin}${mcpResourceMetadataPath}` };
    if (!authorization) return { refusal: unauthorized(challenge) };
    let viewer: AgentViewer;
    try {
      const authenticated = await modules.identity.authenticator.authenticate(authorization, {
        kind: 'resource',
        audiences: [resource],
      });
      // A resource door only ever yields agents; anything else is refused like a bad token.
      if (!isAgent(authenticated))
        throw new TokenRefusedError('wrong_audience', 'a delegation token is required');
      viewer = authenticated;
    } catch (error) {
      const unavailable = error instanceof TokenRefusedError ? undefined : databaseUnavailable(error);
      if (unavailable) {
        modules.logger.warn({ requestId, reason: unavailableReason(unavailable) }, 'database unavailable');
        return { refusal: jsonRpcUnavailable(unavailable) };
      }
      if (!(error instanceof TokenRefusedError)) throw error;
      modules.logger.info({ requestId, reason: error.reason }, 'mcp bearer token refused');
      return { refusal: unauthorized({ ...challenge, error: error.message }) };
    }
    const authInfo: AuthInfo = {
      token: authorization.slice('Bearer '.length),
      clientId: viewer.chain.at(-1)?.clientId ?? '',
      scopes: [],
      expiresAt: Math.floor(viewer.expiresAt.getTime() / 1000),
      resource: new URL(resource),
    };
    verified.set(authInfo, { viewer, resource });
    return { authInfo };
  }

  return {
    route: {
      prefix: mcpPath,
      contentTypes: ['application/json'],
      async handle(request, response) {
        const requestId = request.headers[requestIdHeader];
        const checked = await authenticate(
          request.headers.authorization,
          request.headers.host,
          typeof requestId === 'string' ? requestId : undefined,
        );
        if ('refusal' in checked) return send(response, checked.refusal);
        // Node's message is the shape the adapter reads; only exactOptionalPropertyTypes tells them apart.
        const message = Object.assign(request, { auth: checked.authInfo }) as NodeIncomingMessageLike;
        if (request.method !== 'POST') return serve(message, response);
        // Parsed once here: the SDK then neither re-reads nor clones the body to classify it.
        const read = await readJsonBody(request, maxBodyBytes);
        if (!read.ok) return send(response, jsonRpcParseError(read.status, read.reason));
        await serve(message, response, read.body);
      },
    },
    async fetch(request) {
      const checked = await authenticate(
        request.headers.get('authorization'),
        request.headers.get('host') ?? new URL(request.url).host,
        request.headers.get(requestIdHeader) ?? undefined,
      );
      if ('refusal' in checked) {
        const { status, headers, body } = checked.refusal;
        return new Response(body, { status, headers });
      }
      return handler.fetch(request, { authInfo: checked.authInfo });
    },
  };
}

function send(response: http.ServerResponse, answer: DoorAnswer): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/**
 * 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3): no error code when no token was sent,
 * `invalid_token` and our one-line reason otherwise; always the metadata URL (RFC 9728 §5.1).
 */
function unauthorized(challenge: { metadataUrl: string; error?: string }): DoorAnswer {
  const quoted = (text: string) => `"${text.replace(/["\\]/g, "'")}"`;
  const parameters = [
    ...(challenge.error ? [`error="invalid_token"`, `error_description=${quoted(challenge.error)}`] : []),
    `resource_metadata=${quoted(challenge.metadataUrl)}`,
  ];
  return {
    status: 401,
    headers: {
      'content-type': 'application/json',
      'www-authenticate': `Bearer ${parameters.join(', ')}`,
      'cache-control': 'no-store',
    },
    body: JSON.stringify({
      error: challenge.error ? 'invalid_token' : 'unauthorized',
      error_description:
        challenge.error ?? 'send Authorization: Bearer <a delegation token issued for this endpoint>',
    }),
  };
}

/**
 * 503 with `Retry-After` while the database cannot check the token: a JSON-RPC error (internal,
 * as nothing else fits) whose data carries our code and that the call may be retried.
 */
function jsonRpcUnavailable(unavailable: DatabaseUnavailableError): DoorAnswer {
  return {
    status: 503,
    headers: {
      'content-type': 'application/json',
      'retry-after': String(unavailable.retryAfterSeconds),
      'cache-control': 'no-store',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32603,
        message: unavailable.message,
        data: { code: unavailable.code, retryable: true },
      },
    }),
  };
}

/** JSON-RPC's answer to a body that is not JSON (or too large to read), as the SDK gives it. */
function jsonRpcParseError(status: 400 | 413, reason: string): DoorAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: `Parse error: ${reason}` },
    }),
  };
}
