import type http from 'node:http';

/**
 * Headers every answer carries. The API answers JSON to programs: no browser should sniff it into
 * something else, frame it, cache it (answers depend on who asks and change with every decision)
 * or send our URLs on as a referrer. Node names no server and sends no `x-powered-by`.
 */
const securityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function setSecurityHeaders(response: http.ServerResponse): void {
  for (const [name, value] of Object.entries(securityHeaders)) response.setHeader(name, value);
}
