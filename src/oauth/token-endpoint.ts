import type http from 'node:http';
import type { z } from 'zod';
import { databaseUnavailable, unavailableReason } from '../db/database-unavailable.ts';
import { idJagRequestSchema, jwtBearerGrantType } from '../identity/exchange/id-jag-request.ts';
import { OAuthError } from '../identity/exchange/oauth-error.ts';
import type { TokenExchange } from '../identity/exchange/token-exchange.ts';
import {
  type ClientCredentials,
  tokenExchangeRequestSchema,
} from '../identity/exchange/token-exchange-request.ts';
import { tokenExchangeGrantType } from '../identity/tokens/token-types.ts';
import type { Logger } from '../logging/logger.ts';
import { RateLimiter } from '../server/rate-limiter.ts';
import { mcpResourceUrl, publicOrigin } from '../server/resource-urls.ts';
import { readFormBody } from './read-form-body.ts';

export const tokenEndpointPath = '/oauth/token';

const maxBodyBytes = 32 * 1024;

/**
 * POST /oauth/token: the HTTP side of RFC 8693 token exchange and of the ID-JAG grant (RFC 7523
 * jwt-bearer with an enterprise provider's identity assertion): form parsing, client credentials
 * from HTTP Basic or the body, RFC 6749 error responses. The grants themselves are the domain's.
 */
export function tokenEndpoint(
  exchange: TokenExchange,
  logger: Logger,
  requestsPerMinute: number,
  publicUrl: string | null,
) {
  const limiter = new RateLimiter(requestsPerMinute);
  return async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'invalid_request', error_description: 'use POST' }));
      return;
    }
    // Before any slow hash or audit write: one caller cannot exhaust the CPU or flood the log.
    const waitSeconds = limiter.take(request.socket.remoteAddress ?? 'unknown');
    if (waitSeconds > 0) {
      send(
        response,
        429,
        { error: 'slow_down', error_description: `too many token requests; retry in ${waitSeconds} s` },
        { 'retry-after': String(waitSeconds) },
      );
      return;
    }
    const usedBasic = /^Basic /i.test(request.headers.authorization ?? '');
    try {
      const body = await readFormBody(request, maxBodyBytes);
      if (!body.ok) throw new OAuthError('invalid_request', body.reason);
      const params = body.params;
      const repeated = [...new Set(params.keys())].find((key) => params.getAll(key).length > 1);
      if (repeated) throw new OAuthError('invalid_request', `parameter ${repeated} is repeated`);
      const grantType = params.get('grant_type');
      if (grantType !== null && grantType !== jwtBearerGrantType && !/token-exchange$/.test(grantType)) {
        send(response, 400, {
          error: 'unsupported_grant_type',
          error_description: `the grants supported are token exchange (${tokenExchangeGrantType}) and ID-JAG (${jwtBearerGrantType})`,
        });
        return;
      }
      const client = clientCredentials(request.headers.authorization, params);
      // RFC 8707: a token may be asked for this server's MCP endpoint, and is then bound to it.
      const resources = [mcpResourceUrl(publicOrigin(request.headers.host, publicUrl))];
      const form = Object.fromEntries(params);
      const result =
        grantType === jwtBearerGrantType
          ? await exchange.idJag.redeem(parsed(idJagRequestSchema, form), client, resources)
          : await exchange.exchange(parsed(tokenExchangeRequestSchema, form), client, resources);
      send(response, 200, result);
    } catch (error) {
      const unavailable = error instanceof OAuthError ? undefined : databaseUnavailable(error);
      if (unavailable) {
        // RFC 6749 §4.1.2.1's code for a server that cannot answer now; the client retries.
        logger.warn({ reason: unavailableReason(unavailable) }, 'database unavailable');
        send(
          response,
          503,
          { error: 'temporarily_unavailable', error_description: unavailable.message },
          { 'retry-after': String(unavailable.retryAfterSeconds) },
        );
        return;
      }
      if (!(error instanceof OAuthError)) {
        logger.error({ err: error }, 'token exchange failed unexpectedly');
        send(response, 500, { error: 'server_error', error_description: 'unexpected error' });
        return;
      }
      const headers: Record<string, string> =
        error.code === 'invalid_client' && usedBasic ? { 'www-authenticate': 'Basic realm="aperture"' } : {};
      send(response, error.status, { error: error.code, error_description: error.description }, headers);
    }
  };
}

/** The form's parameters as the grant's schema reads them, or invalid_request saying what is wrong. */
function parsed<T>(schema: z.ZodType<T>, form: Record<string, string>): T {
  const result = schema.safeParse(form);
  if (!result.success)
    throw new OAuthError('invalid_request', result.error.issues.map((issue) => issue.message).join('; '));
  return result.data;
}

/** client_secret_basic (RFC 6749 §2.3.1: form-encoded id and secret) or client_secret_post, not both. */
function clientCredentials(
  authorization: string | undefined,
  params: URLSearchParams,
): ClientCredentials | undefined {
  const inBody = params.has('client_id') || params.has('client_secret');
  if (authorization && /^Basic /i.test(authorization)) {
    if (inBody) throw new OAuthError('invalid_request', 'use one client authentication method, not two');
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials');
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, ' ')),
        clientSecret: decodeURIComponent(decoded.slice(separator + 1).replace(/\+/g, ' ')),
      };
    } catch {
      throw new OAuthError('invalid_client', 'malformed Basic credentials');
    }
  }
  if (!inBody) return undefined;
  const clientId = params.get('client_id') ?? '';
  const clientSecret = params.get('client_secret') ?? '';
  params.delete('client_id');
  params.delete('client_secret');
  return { clientId, clientSecret };
}

function send(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
  response.end(JSON.stringify(body));
}
