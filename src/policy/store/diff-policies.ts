import { contentHash } from '../../shared/content-hash.ts';
import type { Policy } from '../policy-schema.ts';

export interface PolicyDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

/** What applying `next` over `current` changes, by policy id. Pure. */
export function diffPolicies(current: readonly Policy[], next: readonly Policy[]): PolicyDiff {
  const before = new Map(current.map((policy) => [policy.id, contentHash(policy)]));
  const diff: PolicyDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const policy of next) {
    const hash = before.get(policy.id);
    if (hash === undefined) diff.added.push(policy.id);
    else if (hash !== contentHash(policy)) diff.changed.push(policy.id);
    else diff.unchanged += 1;
    before.delete(policy.id);
  }
  diff.removed.push(...before.keys());
  return diff;
}

export function isEmptyDiff(diff: PolicyDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length === 0;
}
