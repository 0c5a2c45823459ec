import type { HumanIdentity } from '../../identity/viewer.ts';
import { type PolicyHuman, type PolicyObject, policyHuman } from '../access-context.ts';
import type { CompiledPolicySet } from '../compile-policies.ts';
import type { CatalogIndex } from '../slice/catalog-index.ts';
import { ViewerAccess } from '../viewer-access.ts';
import { atLeast, type Visibility } from '../visibility.ts';

/** One person's changed tier on one dataset, metric or glossary term. */
export interface AccessChange {
  person: HumanIdentity;
  /** Metrics and glossary terms by name (as simulateAccess lists them). */
  path: string;
  kind: PolicyObject['kind'];
  before: Visibility;
  after: Visibility;
  /** True when the person sees more after the change. */
  gained: boolean;
}

/** What replacing one policy set by another does to people acting alone (no agent, no channel). */
export interface PolicyImpact {
  /** The first `limit` changes, by person email, then path. */
  changes: AccessChange[];
  /** Every change, listed or not. */
  changeCount: number;
  /** People with at least one change. */
  peopleAffected: number;
}

/** How many changes an impact lists at most (the counts cover all of them). */
export const impactListLimit = 500;

/**
 * Compares, for every person, the slice of the `before` set with that of the `after` set: the
 * datasets, metrics and glossary terms whose tier changes (columns follow their dataset and are
 * not listed). Pure: the same ViewerAccess that serves slices decides both sides.
 *
 * People alone differ only by which policies apply to them (masks and row filters aside, which
 * do not change a tier), so people to whom the same policies apply are decided once.
 */
export function policyImpact(input: {
  before: CompiledPolicySet;
  after: CompiledPolicySet;
  catalog: CatalogIndex;
  people: readonly HumanIdentity[];
  now: Date;
  limit?: number;
}): PolicyImpact {
  const { before, after, catalog, now } = input;
  const limit = input.limit ?? impactListLimit;
  const objects = [...catalog.datasets, ...catalog.metrics, ...catalog.glossary].map((item) => item.object);
  const lookup = (path: string) => catalog.byPath.get(path);
  const byGroup = new Map<string, Omit<AccessChange, 'person'>[]>();
  const changesOf = (human: PolicyHuman) => {
    const key = groupKey(before, human) + groupKey(after, human);
    let changes = byGroup.get(key);
    if (!changes) {
      const context = { human, intent: null, ceilings: [], grants: [], channel: null, now };
      const was = new ViewerAccess(before, context);
      const will = new ViewerAccess(after, context);
      changes = [];
      for (const object of objects) {
        const from = was.decide(object, lookup).visibility;
        const to = will.decide(object, lookup).visibility;
        if (from === to) continue;
        changes.push({
          path: object.path.replace(/^glossary:/, ''),
          kind: object.kind,
          before: from,
          after: to,
          gained: atLeast(to, from),
        });
      }
      changes.sort((a, b) => compare(a.path, b.path) || compare(a.kind, b.kind));
      byGroup.set(key, changes);
    }
    return changes;
  };
  const impact: PolicyImpact = { changes: [], changeCount: 0, peopleAffected: 0 };
  const people = [...input.people].sort((a, b) => compare(a.email, b.email));
  for (const person of people) {
    const changes = changesOf(policyHuman(person));
    if (changes.length === 0) continue;
    impact.peopleAffected += 1;
    impact.changeCount += changes.length;
    for (const change of changes) {
      if (impact.changes.length >= limit) break;
      impact.changes.push({ person, ...change });
    }
  }
  return impact;
}

/** Which policies of a set are active now for this human alone; equal keys decide alike. */
function groupKey(set: CompiledPolicySet, human: PolicyHuman): string {
  let key = '|';
  for (const policy of set.policies) key += policy.appliesTo(human) ? '1' : '0';
  return key;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
