import type { DefaultConnectionArguments, PageInfoShape } from '@pothos/plugin-relay';
import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { CursorPage, Page } from '../../catalog/read/catalog-reader.ts';
import { InvalidInputError } from '../../shared/errors.ts';

export const maxPageSize = 200;

export interface CountedConnection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoShape;
  totalCount: number;
}

/** Resolves a Relay connection over a reader that pages by a unique, sortable key (a path or a name). */
export async function cursorConnection<T>(
  args: DefaultConnectionArguments,
  load: (page: CursorPage) => Promise<Page<T>>,
  toCursor: (item: T) => string,
): Promise<CountedConnection<T>> {
  let totalCount = 0;
  const connection = await resolveCursorConnection(
    { args, toCursor: (item: unknown) => toCursor(item as T), defaultSize: 50, maxSize: maxPageSize },
    async ({ after, before, limit, inverted }): Promise<unknown[]> => {
      const page = await load({ after, before, limit, inverted });
      totalCount = page.totalCount;
      return page.items;
    },
  );
  // Pothos types the nodes as unknown when the item type is generic; they are the T items loaded above.
  return { ...(connection as Omit<CountedConnection<T>, 'totalCount'>), totalCount };
}

/** The size of a plain (unpaged) list: 1 to maxPageSize, default 50. */
export function listSize(first: number | null | undefined): number {
  const size = first ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw new InvalidInputError('first', [{ location: 'first', message: `must be 1 to ${maxPageSize}` }]);
  }
  return size;
}
