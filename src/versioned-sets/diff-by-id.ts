import { contentHash } from '../shared/content-hash.ts';

/** What replacing a versioned set (policies, rules) changes, by id. */
export interface SetDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

/** What applying `next` over `current` changes, by id. Pure. */
export function diffById<T extends { id: string }>(current: readonly T[], next: readonly T[]): SetDiff {
  const before = new Map(current.map((item) => [item.id, contentHash(item)]));
  const diff: SetDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const item of next) {
    const hash = before.get(item.id);
    if (hash === undefined) diff.added.push(item.id);
    else if (hash !== contentHash(item)) diff.changed.push(item.id);
    else diff.unchanged += 1;
    before.delete(item.id);
  }
  diff.removed.push(...before.keys());
  return diff;
}

export function isEmptyDiff(diff: SetDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}

/** The diff as the CLI prints it: `+ added`, `~ changed`, `- removed`. */
export function formatDiff(diff: SetDiff): string {
  return [
    ...diff.added.map((id) => `  + ${id}`),
    ...diff.changed.map((id) => `  ~ ${id}`),
    ...diff.removed.map((id) => `  - ${id}`),
    `  ${diff.unchanged} unchanged`,
  ].join('\n');
}
