import type http from 'node:http';

/**
 * Reads a JSON body of at most `limit` bytes and parses it once, for handlers that would otherwise
 * read and parse it twice (the MCP SDK's classification, then its transport).
 */
export async function readJsonBody(
  request: http.IncomingMessage,
  limit: number,
): Promise<{ ok: true; body: unknown } | { ok: false; status: 400 | 413; reason: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit)
      return { ok: false, status: 413, reason: `the request body is larger than ${limit} bytes` };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, reason: 'the request body is not JSON' };
  }
}
