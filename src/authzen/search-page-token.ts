import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The opaque page tokens of resource search (§8.3): where the next page starts (the last path
 * returned, so pages hold when objects come and go, §8.3's "no atomic snapshot") and a fingerprint
 * of the search, so a token is refused for any other search or subject (§8.3.1: a changed request
 * SHOULD be an error). A token only moves within results the subject may see anyway.
 */
const tokenSchema = z.object({ v: z.literal(1), after: z.string().max(1000), search: z.string().length(43) });

export function searchFingerprint(search: unknown): string {
  return createHash('sha256').update(JSON.stringify(search)).digest('base64url');
}

export function encodePageToken(after: string, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after, search: fingerprint })).toString('base64url');
}

export type PageTokenReading = { ok: true; after: string } | { ok: false; message: string };

export function readPageToken(token: string, fingerprint: string): PageTokenReading {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, message: 'page.token is not a token this server issued' };
  }
  const parsed = tokenSchema.safeParse(decoded);
  if (!parsed.success) return { ok: false, message: 'page.token is not a token this server issued' };
  if (parsed.data.search !== fingerprint) {
    return {
      ok: false,
      message:
        'page.token belongs to another search: send the subject, action, resource, context and page.limit of the first request unchanged',
    };
  }
  return { ok: true, after: parsed.data.after };
}
