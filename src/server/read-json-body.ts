import type http from 'node:http';
import { readBody } from './read-body.ts';

/**
 * Reads a JSON body of at most `limit` bytes and parses it once, for handlers that would otherwise
 * read and parse it twice (the MCP SDK's classification, then its transport).
 */
export async function readJsonBody(
  request: http.IncomingMessage,
  limit: number,
): Promise<{ ok: true; body: unknown } | { ok: false; status: 400 | 413; reason: string }> {
  const bytes = await readBody(request, limit);
  if (!bytes) return { ok: false, status: 413, reason: `the request body is larger than ${limit} bytes` };
  try {
    return { ok: true, body: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false, status: 400, reason: 'the request body is not JSON' };
  }
}
