import type { Readable, Writable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type CallToolResult, Server } from '@modelcontextprotocol/server';
import { StdioServerTransport, serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
import { jwtTokenType, tokenExchangeGrantType } from '../identity/tokens/token-types.ts';
import type { Logger } from '../logging/logger.ts';
import { mcpResourceUrl } from '../server/resource-urls.ts';
import { apertureVersion } from '../version.ts';
import { type StdioCredential, type StdioServer, stdioLifetime } from './mcp-stdio.ts';
import { type ExchangedToken, RenewingToken } from './renewing-token.ts';
import { errorResult } from './tool-errors.ts';

const tokenAnswerSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });
const refusalSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * The bearer token the proxy presents at a remote `/mcp`: the one it was given, or one it exchanges
 * at the remote `/oauth/token` for that endpoint (RFC 8707 `resource`), again before it expires.
 */
function remoteBearer(origin: string, credential: StdioCredential): () => Promise<string> {
  if (credential.kind === 'token') return () => Promise.resolve(credential.token);
  const renewing = new RenewingToken(() => exchangeAt(origin, credential));
  return () => renewing.current();
}

async function exchangeAt(
  origin: string,
  credential: Extract<StdioCredential, { kind: 'exchange' }>,
): Promise<ExchangedToken> {
  const { humanToken, clientId, clientSecret, intent, taskId } = credential;
  const form = new URLSearchParams({
    grant_type: tokenExchangeGrantType,
    subject_token: humanToken,
    subject_token_type: jwtTokenType,
    intent,
    resource: mcpResourceUrl(origin),
    ...(taskId ? { task_id: taskId } : {}),
  });
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
    'base64',
  );
  const response = await fetch(`${origin}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  const body: unknown = await response.json().catch(() => null);
  const answer = tokenAnswerSchema.safeParse(body);
  if (!response.ok || !answer.success) {
    const refusal = refusalSchema.safeParse(body);
    throw new RemoteRefusal(
      refusal.success
        ? `the token exchange was refused (${refusal.data.error}): ${refusal.data.error_description ?? ''}`.trim()
        : `the token exchange failed (HTTP ${response.status})`,
    );
  }
  return { token: answer.data.access_token, expiresInSeconds: answer.data.expires_in };
}

class RemoteRefusal extends Error {}

/**
 * `aperture mcp` with APERTURE_URL: a stdio server that holds no database and no key, only the
 * agent's credential. It lists and calls the tools of the remote `/mcp`, presenting a delegation
 * token bound to it; the remote service decides everything and checks every call. For agents on
 * machines that must not reach the database (a developer's laptop, a hosted IDE).
 */
export function serveRemoteStdio(
  options: { origin: string; credential: StdioCredential; logger: Logger },
  io: { input?: Readable; output?: Writable } = {},
): StdioServer {
  const bearer = remoteBearer(options.origin, options.credential);
  let remote: Promise<Client> | undefined;
  const connect = (clientName: string) => {
    remote ??= (async () => {
      // The remote service records the local client's name, as it would for a direct client.
      const client = new Client(
        { name: clientName, version: apertureVersion },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(
        new StreamableHTTPClientTransport(new URL(mcpResourceUrl(options.origin)), {
          fetch: async (url, init) => {
            const headers = new Headers(init?.headers);
            headers.set('authorization', `Bearer ${await bearer()}`);
            return fetch(url, { ...init, headers });
          },
        }),
      );
      return client;
    })().catch((error: unknown) => {
      remote = undefined;
      throw error;
    });
    return remote;
  };

  const input = io.input ?? process.stdin;
  const handle = serveStdio(
    () => {
      const server = new Server(
        { name: 'aperture', version: apertureVersion },
        { capabilities: { tools: {} } },
      );
      const clientName = () => server.getClientVersion()?.name ?? 'aperture-mcp-stdio';
      server.setRequestHandler('tools/list', async (request) =>
        (await connect(clientName())).listTools(request.params),
      );
      server.setRequestHandler('tools/call', async (request, context): Promise<CallToolResult> => {
        const progressToken = context.mcpReq._meta?.progressToken;
        try {
          const client = await connect(clientName());
          return (await client.callTool(request.params, {
            signal: context.mcpReq.signal,
            ...(progressToken === undefined
              ? {}
              : {
                  onprogress: (progress) =>
                    void context.mcpReq
                      .notify({ method: 'notifications/progress', params: { ...progress, progressToken } })
                      .catch(() => {}),
                }),
          })) as CallToolResult;
        } catch (error) {
          // The remote refused the credential (401) or could not be reached: a tool error the
          // agent reads, in the words the remote would use.
          const refused =
            error instanceof RemoteRefusal || /401|invalid_token|unauthorized/i.test(String(error));
          options.logger.info({ err: error }, 'remote mcp call failed');
          return refused
            ? errorResult(
                'UNAUTHENTICATED',
                error instanceof RemoteRefusal ? error.message : 'the remote aperture refused the token',
              )
            : errorResult(
                'INTERNAL_SERVER_ERROR',
                `the remote aperture at ${options.origin} could not be reached`,
              );
        }
      });
      return server;
    },
    {
      transport: new StdioServerTransport(input, io.output ?? process.stdout),
      onerror: (error) => options.logger.warn({ err: error }, 'mcp stdio connection error'),
    },
  );
  return stdioLifetime(input, handle, async () => {
    const client = await remote?.catch(() => undefined);
    await client?.close();
  });
}
