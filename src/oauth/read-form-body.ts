import type http from 'node:http';

/** Reads an application/x-www-form-urlencoded body of at most `limit` bytes. */
export async function readFormBody(
  request: http.IncomingMessage,
  limit: number,
): Promise<{ ok: true; params: URLSearchParams } | { ok: false; reason: string }> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return { ok: false, reason: 'the body must be application/x-www-form-urlencoded' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return { ok: false, reason: `the body is larger than ${limit} bytes` };
    chunks.push(chunk as Buffer);
  }
  return { ok: true, params: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
}
