import { useState } from 'react';

/**
 * Pages of a newest-first connection: the cursors of the pages seen so far, so "newer" goes back
 * one page and "older" follows the connection's end cursor.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors[cursors.length - 1] ?? null,
    pageNumber: cursors.length,
    newer: () => setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)),
    older: (endCursor: string | null | undefined) => setCursors((seen) => [...seen, endCursor ?? null]),
    reset: () => setCursors([null]),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

/** "Newer" and "Older" buttons for a connection's pages, named for what they page through. */
export function Pager({
  pages,
  pageInfo,
  label,
  noun,
  totalCount,
  order = 'newest first',
}: {
  pages: CursorPages;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  /** The navigation landmark's name, e.g. "Audit event pages". */
  label: string;
  /** What the buttons page through: "events" gives "Newer events" and "Older events". */
  noun: string;
  totalCount?: number;
  /** How the connection is ordered: its pages are newer and older, or previous and next. */
  order?: 'newest first' | 'by name';
}) {
  const [back, forward] = order === 'newest first' ? ['Newer', 'Older'] : ['Previous', 'Next'];
  if (pages.pageNumber === 1 && !pageInfo.hasNextPage && totalCount !== undefined) {
    return <p className="muted">{totalCount} in all</p>;
  }
  return (
    <nav className="row pager" aria-label={label}>
      <button type="button" className="button" disabled={pages.pageNumber === 1} onClick={pages.newer}>
        {back} {noun}
      </button>
      <span className="muted">
        Page {pages.pageNumber}
        {totalCount !== undefined ? ` · ${totalCount} in all` : ''}
      </span>
      <button
        type="button"
        className="button"
        disabled={!pageInfo.hasNextPage}
        onClick={() => pages.older(pageInfo.endCursor)}
      >
        {forward} {noun}
      </button>
    </nav>
  );
}
