import type http from 'node:http';
import { refuseRequest } from '../../server/http-refusal.ts';
import type { ErrorCode } from '../../shared/errors.ts';

/** A JSON answer, with any cookies to set. */
export function sendJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  cookies: readonly string[] = [],
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(cookies.length > 0 ? { 'set-cookie': [...cookies] } : {}),
  });
  response.end(text);
}

/** 204, with any cookies to set. */
export function sendNoContent(response: http.ServerResponse, cookies: readonly string[] = []): void {
  response.writeHead(204, cookies.length > 0 ? { 'set-cookie': [...cookies] } : {});
  response.end();
}

/** A redirect to a path of ours (callers check it), with any cookies to set. */
export function sendRedirect(
  response: http.ServerResponse,
  location: string,
  cookies: readonly string[] = [],
): void {
  response.writeHead(302, {
    location,
    'content-type': 'text/plain; charset=utf-8',
    ...(cookies.length > 0 ? { 'set-cookie': [...cookies] } : {}),
  });
  response.end(`See ${location}\n`);
}

/** An expected refusal, in the shape every door answers (`errors[].extensions.code`). */
export function refuse(
  response: http.ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  refuseRequest(response, { status, code, message });
}

export const notFound = (response: http.ServerResponse) =>
  refuse(response, 404, 'NOT_FOUND', 'no such endpoint');
