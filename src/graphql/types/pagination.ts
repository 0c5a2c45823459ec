import type { DefaultConnectionArguments, PageInfoShape } from '@pothos/plugin-relay';
import { resolveCursorConnection, resolveOffsetConnection } from '@pothos/plugin-relay';
import { z } from 'zod';
import type { CursorPage, Page } from '../../catalog/read/catalog-reader.ts';
import type { KeysetPage } from '../../db/keyset-page.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { validateInput } from '../../shared/validate.ts';

/** The largest page any connection or list answers (documented in the schema and the README). */
export const maxPageSize = 200;
const defaultPageSize = 50;
/** Cursors are object paths or names (or our offset cursors); nothing longer is one. */
const maxCursorLength = 1000;

const pageSize = z
  .number()
  .int()
  .min(0, `must be an integer from 0 to ${maxPageSize}`)
  .max(maxPageSize, `must be an integer from 0 to ${maxPageSize}`);

const cursor = z
  .string()
  .min(1, 'must be a cursor from a previous page')
  .max(maxCursorLength, 'must be a cursor from a previous page')
  .regex(/^[^\p{Cc}]*$/u, 'must be a cursor from a previous page');

/**
 * The one rule for paging arguments, whichever connection or list they page: sizes from 0 to
 * maxPageSize, cursors as a previous page handed them out, `first` or `last` but not both. Bad
 * arguments are INVALID_INPUT naming the argument; before this, the relay helpers threw errors
 * the caller saw as INTERNAL_SERVER_ERROR.
 */
const pageArgumentsSchema = z
  .object({
    first: pageSize.nullish(),
    last: pageSize.nullish(),
    after: cursor.nullish(),
    before: cursor.nullish(),
  })
  .superRefine((args, context) => {
    if (args.first != null && args.last != null) {
      context.addIssue({ code: 'custom', path: ['last'], message: 'cannot be combined with first' });
    }
  });

function validPageArguments(args: DefaultConnectionArguments): DefaultConnectionArguments {
  const { first, last, after, before } = args;
  return validateInput(pageArgumentsSchema, { first, last, after, before }, 'paging');
}

/** The size of a plain list by the same rule (`first` from 0 to maxPageSize), or `fallback`. */
export function validListSize(first: number | null | undefined, fallback: number): number {
  return validPageArguments({ first }).first ?? fallback;
}

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
    {
      args: validPageArguments(args),
      toCursor: (item: unknown) => toCursor(item as T),
      defaultSize: defaultPageSize,
      maxSize: maxPageSize,
    },
    async ({ after, before, limit, inverted }): Promise<unknown[]> => {
      const page = await load({ after, before, limit, inverted });
      totalCount = page.totalCount;
      return page.items;
    },
  );
  // Pothos types the nodes as unknown when the item type is generic; they are the T items loaded above.
  return { ...(connection as Omit<CountedConnection<T>, 'totalCount'>), totalCount };
}

/** A connection whose `totalCount` is read only when a caller selects it (one more query). */
export interface LazilyCountedConnection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoShape;
  count: () => Promise<number>;
}

/**
 * Resolves a Relay connection over a domain list paged by its sort key (see db/keyset-page.ts):
 * the domain reads the page and checks the cursors; `count` runs only if totalCount is asked for.
 */
export async function keysetConnection<T>(
  args: DefaultConnectionArguments,
  load: (page: KeysetPage) => Promise<T[]>,
  toCursor: (item: T) => string,
  count: () => Promise<number>,
): Promise<LazilyCountedConnection<T>> {
  const connection = await resolveCursorConnection(
    {
      args: validPageArguments(args),
      toCursor: (item: unknown) => toCursor(item as T),
      defaultSize: defaultPageSize,
      maxSize: maxPageSize,
    },
    (page): Promise<unknown[]> => load(page),
  );
  // As in cursorConnection: the nodes are the T items loaded.
  return { ...(connection as Omit<LazilyCountedConnection<T>, 'count'>), count };
}

/** What the relay helpers put in an offset cursor (base64 of this prefix and the offset). */
const offsetCursorPattern = /^OffsetConnection:(0|[1-9]\d{0,8})$/;

function isOffsetCursor(given: string): boolean {
  const decoded = Buffer.from(given, 'base64').toString('utf8');
  // Buffer decodes leniently: only the exact encoding of a cursor we could have handed out passes.
  return offsetCursorPattern.test(decoded) && Buffer.from(decoded).toString('base64') === given;
}

/**
 * Resolves a Relay connection over a ranked list paged by offset (search). Its cursors are opaque:
 * anything but one it handed out is INVALID_INPUT; `last` needs `before` (the end of a ranking is
 * unknown until it is counted).
 */
export async function offsetConnection<T>(
  args: DefaultConnectionArguments,
  load: (page: { offset: number; limit: number }) => Promise<Page<T>>,
): Promise<CountedConnection<T>> {
  const valid = validPageArguments(args);
  for (const name of ['after', 'before'] as const) {
    const given = valid[name];
    if (given != null && !isOffsetCursor(given)) {
      throw new InvalidInputError('paging', [
        { location: name, message: 'must be a cursor from a previous page' },
      ]);
    }
  }
  if (valid.last != null && valid.before == null) {
    throw new InvalidInputError('paging', [{ location: 'last', message: 'needs before on this connection' }]);
  }
  let totalCount = 0;
  const connection = await resolveOffsetConnection(
    { args: valid, defaultSize: defaultPageSize, maxSize: maxPageSize },
    async ({ offset, limit }): Promise<unknown[]> => {
      const page = await load({ offset, limit });
      totalCount = page.totalCount;
      return page.items;
    },
  );
  // As above: the nodes are the T items loaded (never null), the edges a fresh array.
  return { ...(connection as unknown as Omit<CountedConnection<T>, 'totalCount'>), totalCount };
}
