import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** A stable hash of an object's imported content: equal content, equal hash, whatever the key order. */
export function contentHash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalize(value) ?? '')
    .digest('base64url');
}
