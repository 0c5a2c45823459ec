/** What a viewer may know of an object: nothing, that it exists (discover), or everything permitted (read). */
export type Visibility = 'HIDDEN' | 'DISCOVER' | 'READ';

const rank: Record<Visibility, number> = { HIDDEN: 0, DISCOVER: 1, READ: 2 };

export function atLeast(visibility: Visibility, floor: Visibility): boolean {
  return rank[visibility] >= rank[floor];
}

export function lowest(...levels: Visibility[]): Visibility {
  return levels.reduce((low, level) => (rank[level] < rank[low] ? level : low), 'READ' as Visibility);
}

export function highest(...levels: Visibility[]): Visibility {
  return levels.reduce((high, level) => (rank[level] > rank[high] ? level : high), 'HIDDEN' as Visibility);
}
