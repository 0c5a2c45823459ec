import type http from 'node:http';
import { readBody } from '../server/read-body.ts';

/** Reads an application/x-www-form-urlencoded body of at most `limit` bytes. */
export async function readFormBody(
  request: http.IncomingMessage,
  limit: number,
): Promise<{ ok: true; params: URLSearchParams } | { ok: false; reason: string }> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return { ok: false, reason: 'the body must be application/x-www-form-urlencoded' };
  }
  const bytes = await readBody(request, limit);
  if (!bytes) return { ok: false, reason: `the body is larger than ${limit} bytes` };
  return { ok: true, params: new URLSearchParams(bytes.toString('utf8')) };
}
