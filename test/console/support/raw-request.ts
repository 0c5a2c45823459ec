import http from 'node:http';

export interface RawAnswer {
  status: number;
  setCookies: string[];
  body: unknown;
}

/**
 * A request with headers `fetch` will not send as given (`Host` above all): what a page on a
 * rebound name, or a hand-made client, sends. The body is JSON; the answer's body is parsed
 * when it is JSON.
 */
export function rawRequest(
  serviceUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; json?: unknown } = {},
): Promise<RawAnswer> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const url = new URL(path, serviceUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            // Not JSON: kept as text.
          }
          resolve({
            status: response.statusCode ?? 0,
            setCookies: response.headers['set-cookie'] ?? [],
            body: parsed,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
