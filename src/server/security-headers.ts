import type http from 'node:http';

/**
 * What a page of ours may load: only from our own origin. The one page we serve is GraphiQL
 * (src/graphql/graphiql/), whose files we serve too; JSON answers load nothing. Its stylesheet
 * inlines its fonts and icons as `data:` URLs, and Monaco and React add `<style>` elements and
 * style attributes as they render, hence 'unsafe-inline' for styles only (a style still reaches no
 * other origin: everything fetched is from 'self' or a data: URL). Scripts are files from 'self'.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers every answer carries. The API answers JSON to programs: no browser should sniff it into
 * something else, frame it, cache it (answers depend on who asks and change with every decision)
 * or send our URLs on as a referrer. Node names no server and sends no `x-powered-by`.
 */
const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function setSecurityHeaders(response: http.ServerResponse): void {
  for (const [name, value] of Object.entries(securityHeaders)) response.setHeader(name, value);
}
