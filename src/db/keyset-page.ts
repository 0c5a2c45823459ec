import { z } from 'zod';
import { InvalidInputError } from '../shared/errors.ts';

/**
 * One page of a list read by its sort key (keyset paging), as the shared paging rule asks for it
 * (see graphql/types/pagination.ts). Unlike an offset, a key keeps its place while rows are added
 * or change status between two pages.
 */
export interface KeysetPage {
  /** Cursors from a previous page of the same list. */
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  /** Paging backwards (`last`): the rows before `before` (or the last rows), closest first. */
  inverted: boolean;
}

/**
 * A cursor is the row's sort key as base64url JSON: opaque to callers (they only hand it back),
 * stable (the key of a row never changes) and checked exactly on the way back in.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function refused(argument: 'after' | 'before'): InvalidInputError {
  return new InvalidInputError('paging', [
    { location: argument, message: 'must be a cursor from a previous page' },
  ]);
}

function decodeCursor<T>(
  given: string | undefined,
  argument: 'after' | 'before',
  key: z.ZodType<T>,
): T | undefined {
  if (given === undefined) return undefined;
  const json = Buffer.from(given, 'base64url').toString('utf8');
  // Buffer decodes leniently: only the exact encoding of a cursor we could have handed out passes.
  if (Buffer.from(json).toString('base64url') !== given) throw refused(argument);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw refused(argument);
  }
  const result = key.safeParse(parsed);
  if (!result.success) throw refused(argument);
  return result.data;
}

/** A timestamp exactly as Date#toISOString writes it (what the database gives back to the millisecond). */
const exactInstant = z.string().refine((value) => {
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
});
const newestFirstKey = z.tuple([exactInstant, z.uuid()]);

/** Rows ordered newest first: requests, grants, rule suggestions. Ties (same millisecond) by id. */
export interface NewestFirstRow {
  createdAt: Date;
  id: string;
}

export const newestFirstCursor = (row: NewestFirstRow): string =>
  encodeCursor([row.createdAt.toISOString(), row.id]);

/** Rows after this key in newest-first order: older, or as old with a greater id. */
function laterInList(createdAt: Date, id: string) {
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { gt: id } }] };
}

/** Rows before this key: newer, or as old with a smaller id. */
function earlierInList(createdAt: Date, id: string) {
  return { OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/**
 * The where, order and take of one newest-first page, for any model with `createdAt` and a uuid
 * `id`; combine `where` with the list's own filter. Cursors it did not hand out are INVALID_INPUT.
 */
export function newestFirstPage(page: KeysetPage) {
  const after = decodeCursor(page.after, 'after', newestFirstKey);
  const before = decodeCursor(page.before, 'before', newestFirstKey);
  const bounds = [
    ...(after ? [laterInList(new Date(after[0]), after[1])] : []),
    ...(before ? [earlierInList(new Date(before[0]), before[1])] : []),
  ];
  const direction = page.inverted ? ('asc' as const) : ('desc' as const);
  const tieBreak = page.inverted ? ('desc' as const) : ('asc' as const);
  return {
    where: { AND: bounds },
    orderBy: [{ createdAt: direction }, { id: tieBreak }],
    take: page.limit,
  };
}

const byNameKey = z.tuple([z.string()]);

export const byNameCursor = (row: { name: string }): string => encodeCursor([row.name]);

/** The where, order and take of one page of rows ordered by a unique `name` (agents). */
export function byNamePage(page: KeysetPage) {
  const after = decodeCursor(page.after, 'after', byNameKey);
  const before = decodeCursor(page.before, 'before', byNameKey);
  const bounds = [
    ...(after ? [{ name: { gt: after[0] } }] : []),
    ...(before ? [{ name: { lt: before[0] } }] : []),
  ];
  return {
    where: { AND: bounds },
    orderBy: { name: page.inverted ? ('desc' as const) : ('asc' as const) },
    take: page.limit,
  };
}
