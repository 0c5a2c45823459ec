export interface StoredRow {
  id: string;
  key: string;
  contentHash: string;
}

export interface IncomingRow<T> {
  key: string;
  contentHash: string;
  value: T;
}

export interface RowDiff<T> {
  added: IncomingRow<T>[];
  /** Changed rows keep the id they had. */
  changed: (IncomingRow<T> & { id: string })[];
  removed: StoredRow[];
  unchanged: (IncomingRow<T> & { id: string })[];
}

/** Matches incoming rows to stored ones by natural key; content hashes tell changed from unchanged. */
export function diffByKey<T>(stored: readonly StoredRow[], incoming: readonly IncomingRow<T>[]): RowDiff<T> {
  const byKey = new Map(stored.map((row) => [row.key, row]));
  const diff: RowDiff<T> = { added: [], changed: [], removed: [], unchanged: [] };
  const seen = new Set<string>();
  for (const row of incoming) {
    seen.add(row.key);
    const existing = byKey.get(row.key);
    if (!existing) diff.added.push(row);
    else if (existing.contentHash === row.contentHash) diff.unchanged.push({ ...row, id: existing.id });
    else diff.changed.push({ ...row, id: existing.id });
  }
  for (const row of stored) if (!seen.has(row.key)) diff.removed.push(row);
  return diff;
}

export interface ChangeCounts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

export function countChanges(diff: RowDiff<unknown>): ChangeCounts {
  return {
    added: diff.added.length,
    changed: diff.changed.length,
    removed: diff.removed.length,
    unchanged: diff.unchanged.length,
  };
}
