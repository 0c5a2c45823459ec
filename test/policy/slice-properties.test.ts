import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicySet } from '../../src/policy/compile-policies.ts';
import { catalogIndex, computeSlice } from '../../src/policy/slice.ts';
import { ViewerAccess } from '../../src/policy/viewer-access.ts';
import { atLeast } from '../../src/policy/visibility.ts';
import { catalogArbitrary, contextArbitrary, policyArbitrary } from './arbitraries.ts';

const runs = { numRuns: 300 };

describe('slice properties (random catalogs, policies and viewers)', () => {
  it('"may this viewer see X" and "list what this viewer sees" always agree', () => {
    fc.assert(
      fc.property(
        catalogArbitrary,
        fc.array(policyArbitrary, { maxLength: 8 }),
        contextArbitrary,
        (objects, policies, context) => {
          const set = compilePolicySet(policies, 1);
          const slice = computeSlice(set, context, objects);
          const lookup = catalogIndex(objects);
          for (const object of objects) {
            // A fresh engine per question: nothing is shared with the listing.
            const single = new ViewerAccess(set, context).decide(object, lookup);
            const listed = slice.decisions.get(object.id);
            expect(listed?.visibility ?? 'HIDDEN').toBe(single.visibility);
            if (listed) expect(listed).toEqual(single);
          }
        },
      ),
      runs,
    );
  });

  it('adding an allow never removes anything; adding a deny never adds anything', () => {
    fc.assert(
      fc.property(
        catalogArbitrary,
        fc.array(policyArbitrary, { maxLength: 6 }),
        policyArbitrary,
        contextArbitrary,
        (objects, policies, extra, context) => {
          const before = computeSlice(compilePolicySet(policies, 1), context, objects);
          const after = computeSlice(compilePolicySet([...policies, extra], 2), context, objects);
          for (const object of objects) {
            const was = before.decisions.get(object.id)?.visibility ?? 'HIDDEN';
            const now = after.decisions.get(object.id)?.visibility ?? 'HIDDEN';
            if (extra.effect === 'allow') expect(atLeast(now, was)).toBe(true);
            else expect(atLeast(was, now)).toBe(true);
          }
        },
      ),
      runs,
    );
  });

  it('columns are never visible without their dataset at READ, and metrics never READ over an unreadable dependency', () => {
    fc.assert(
      fc.property(
        catalogArbitrary,
        fc.array(policyArbitrary, { maxLength: 8 }),
        contextArbitrary,
        (objects, policies, context) => {
          const slice = computeSlice(compilePolicySet(policies, 1), context, objects);
          const lookup = catalogIndex(objects);
          for (const [id, decision] of slice.decisions) {
            const object = objects.find((candidate) => candidate.id === id)!;
            if (object.kind === 'column')
              expect(slice.decisions.get(object.datasetPath!)?.visibility).toBe('READ');
            if (object.kind === 'metric' && decision.visibility === 'READ') {
              for (const path of object.dependsOn)
                expect(slice.decisions.get(lookup(path)!.id)?.visibility).toBe('READ');
            }
          }
        },
      ),
      runs,
    );
  });
});
