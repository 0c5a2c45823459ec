import type http from 'node:http';
import { databaseUnavailable, unavailableReason } from '../db/database-unavailable.ts';
import { PepAuthenticationError } from '../identity/pep-clients/pep-client-service.ts';
import { RateLimiter } from '../server/rate-limiter.ts';
import { readJsonBody } from '../server/read-json-body.ts';
import { requestIdHeader } from '../server/request-id.ts';
import { publicOrigin } from '../server/resource-urls.ts';
import { accessRequestTask, submitAccessRequest } from './access-request-endpoint.ts';
import { type AuthzenAnswer, AuthzenRequestError, writeAnswer } from './authzen-answers.ts';
import type { AuthzenModules } from './authzen-modules.ts';
import { authzenPaths } from './authzen-paths.ts';
import type { EvaluationCall } from './evaluate-items.ts';
import { accessEvaluation, accessEvaluations } from './evaluation-endpoints.ts';
import { pdpMetadata } from './pdp-metadata.ts';
import { basicCredentials } from './pep-credentials.ts';
import { accessRequestSchemaDocument } from './request-schema-document.ts';
import { resourceSearch } from './search-endpoint.ts';

const maxBodyBytes = 256 * 1024;

/**
 * Failed PEP authentications one address may make per minute (per replica): each costs a scrypt
 * verification, so guessing secrets cannot burn the CPU.
 */
const failedAuthenticationsPerMinute = 30;

/**
 * The AuthZEN Authorization API's HTTPS JSON binding (§12) under /access/v1/, and the
 * access-request profile's endpoints beside it. Callers are registered PEP clients (HTTP Basic
 * with their client id and secret); the subjects they name are verified from the tokens they
 * forward. Transport errors are 4xx/5xx with a message; a denial is a 200 with `decision: false`.
 */
export function authzenDoor(modules: AuthzenModules) {
  const failures = new RateLimiter(failedAuthenticationsPerMinute);
  return async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const path = (request.url ?? '').split('?')[0]!;
    try {
      writeAnswer(response, await answer(modules, request, path, failures));
    } catch (error) {
      writeAnswer(response, failure(modules, error));
    }
  };
}

/** GET /.well-known/authzen-configuration: the PDP metadata, no credentials needed. */
export function authzenConfigurationRoute(publicUrl: string | null) {
  return (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      writeAnswer(response, new AuthzenRequestError(405, 'use GET').answer());
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      vary: 'Host',
    });
    response.end(JSON.stringify(pdpMetadata(publicOrigin(request.headers.host, publicUrl))));
  };
}

async function answer(
  modules: AuthzenModules,
  request: http.IncomingMessage,
  path: string,
  failures: RateLimiter,
): Promise<AuthzenAnswer> {
  const origin = publicOrigin(request.headers.host, modules.publicUrl);
  if (path === authzenPaths.requestSchema) {
    if (request.method !== 'GET') throw new AuthzenRequestError(405, 'use GET');
    return { status: 200, body: accessRequestSchemaDocument(origin) };
  }
  const taskId = path.startsWith(`${authzenPaths.requests}/`)
    ? path.slice(authzenPaths.requests.length + 1)
    : null;
  const post = [
    authzenPaths.evaluation,
    authzenPaths.evaluations,
    authzenPaths.searchResource,
    authzenPaths.requests,
  ];
  if (!post.includes(path as (typeof post)[number]) && taskId === null) {
    throw new AuthzenRequestError(
      404,
      `no AuthZEN endpoint at ${path}: see /.well-known/authzen-configuration`,
    );
  }
  const wanted = taskId === null ? 'POST' : 'GET';
  if (request.method !== wanted) throw new AuthzenRequestError(405, `use ${wanted}`);
  // Throttled only where a secret must be hashed: a PEP whose secret was verified recently is
  // never locked out by someone failing from the same address.
  const address = request.socket.remoteAddress ?? 'unknown';
  const throttle = () => {
    const wait = failures.waiting(address);
    if (wait > 0) {
      throw new AuthzenRequestError(
        429,
        `too many failed client authentications; retry in ${wait} s`,
        undefined,
        {
          'retry-after': String(wait),
        },
      );
    }
  };
  const pep = await authenticatePep(modules, request.headers.authorization, throttle).catch(
    (error: unknown) => {
      if (error instanceof AuthzenRequestError && error.status === 401) failures.take(address);
      throw error;
    },
  );
  const call: EvaluationCall = { pep, origin, requestId: String(request.headers[requestIdHeader] ?? '') };
  if (taskId !== null) return accessRequestTask(modules, call, taskId);
  const body = await readJsonBody(request, maxBodyBytes);
  if (!body.ok) throw new AuthzenRequestError(body.status, body.reason);
  if (typeof body.body !== 'object' || body.body === null || Array.isArray(body.body)) {
    throw new AuthzenRequestError(400, 'the request body must be a JSON object');
  }
  if (path === authzenPaths.evaluation) return ok(await accessEvaluation(modules, call, body.body));
  if (path === authzenPaths.evaluations) return ok(await accessEvaluations(modules, call, body.body));
  if (path === authzenPaths.searchResource) return ok(await resourceSearch(modules, call, body.body));
  const idempotencyKey = request.headers['idempotency-key'];
  return submitAccessRequest(
    modules,
    call,
    body.body,
    typeof idempotencyKey === 'string' ? idempotencyKey : null,
  );
}

async function authenticatePep(
  modules: AuthzenModules,
  authorization: string | undefined,
  beforeHashing: () => void,
) {
  const credentials = basicCredentials(authorization);
  if (credentials === 'malformed') {
    throw new AuthzenRequestError(
      401,
      'authenticate with HTTP Basic: the PEP client id and secret aperture registered',
    );
  }
  try {
    return await modules.pepClients.authenticate(credentials, beforeHashing);
  } catch (error) {
    if (!(error instanceof PepAuthenticationError)) throw error;
    throw new AuthzenRequestError(
      401,
      error.reason === 'missing'
        ? 'client authentication is required: send the PEP client id and secret with HTTP Basic'
        : 'client authentication failed',
    );
  }
}

function ok(body: unknown): AuthzenAnswer {
  return { status: 200, body };
}

function failure(modules: AuthzenModules, error: unknown): AuthzenAnswer {
  if (error instanceof AuthzenRequestError) return error.answer();
  const unavailable = databaseUnavailable(error);
  if (unavailable) {
    modules.logger.warn({ reason: unavailableReason(unavailable) }, 'database unavailable');
    return {
      status: 503,
      body: { error: 'unavailable', message: unavailable.message },
      headers: { 'retry-after': String(unavailable.retryAfterSeconds) },
    };
  }
  modules.logger.error({ err: error }, 'authzen request failed unexpectedly');
  return { status: 500, body: { error: 'internal_error', message: 'unexpected error' } };
}
