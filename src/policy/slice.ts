import type { AccessContext, PolicyObject } from './access-context.ts';
import type { CompiledPolicySet } from './compile-policies.ts';
import { type ObjectDecision, type ObjectLookup, ViewerAccess } from './viewer-access.ts';

/** Every visible object of a catalog with its decision; hidden objects are absent. */
export interface Slice {
  policyVersion: number;
  decisions: Map<string, ObjectDecision>;
}

/** Indexes a catalog by path for the lookups decisions need. */
export function catalogIndex(objects: readonly PolicyObject[]): (path: string) => PolicyObject | undefined {
  const byPath = new Map(objects.map((object) => [object.path, object]));
  return (path) => byPath.get(path);
}

/**
 * The slice of `objects` this viewer may see, decided object by object with the same engine as a
 * single check. `lookup` finds objects by path (built from `objects` unless the caller has one).
 */
export function computeSlice(
  policies: CompiledPolicySet,
  context: AccessContext,
  objects: readonly PolicyObject[],
  lookup: ObjectLookup = catalogIndex(objects),
): Slice {
  const access = new ViewerAccess(policies, context);
  const decisions = new Map<string, ObjectDecision>();
  for (const object of objects) {
    const decision = access.decide(object, lookup);
    if (decision.visibility !== 'HIDDEN') decisions.set(object.id, decision);
  }
  return { policyVersion: policies.version, decisions };
}
