import { type ActionName, catalogKindOf, type ResourceType } from './authzen-schemas.ts';
import { encodePageToken, readPageToken } from './search-page-token.ts';

export interface SearchPage {
  page: { next_token: string; count: number; total: number };
  results: { type: ResourceType; id: string }[];
}

export type SearchOutcome = { ok: true; answer: SearchPage } | { ok: false; message: string };

/**
 * Resource search (§8.5): the subject's slice as a list of one resource type, in path order, a
 * page at a time. Every result is what `decideAccess` answers `true` for with the same action.
 */
export function searchResources(
  visiblePaths: (kind: (typeof catalogKindOf)[ResourceType], readableOnly: boolean) => string[],
  query: {
    type: ResourceType;
    action: ActionName;
    limit: number;
    token: string | undefined;
    fingerprint: string;
  },
): SearchOutcome {
  const paths = visiblePaths(catalogKindOf[query.type], query.action === 'read');
  let start = 0;
  if (query.token !== undefined && query.token !== '') {
    const reading = readPageToken(query.token, query.fingerprint);
    if (!reading.ok) return reading;
    start = firstAfter(paths, reading.after);
  }
  const shown = paths.slice(start, start + query.limit);
  const more = start + shown.length < paths.length && shown.length > 0;
  return {
    ok: true,
    answer: {
      page: {
        next_token: more ? encodePageToken(shown.at(-1)!, query.fingerprint) : '',
        count: shown.length,
        total: paths.length,
      },
      results: shown.map((id) => ({ type: query.type, id })),
    },
  };
}

/** The index of the first path after `after` in a sorted list (binary search). */
function firstAfter(paths: readonly string[], after: string): number {
  let low = 0;
  let high = paths.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (paths[middle]! <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}
