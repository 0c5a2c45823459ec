import { describe, expect, it } from 'vitest';
import { conditionsInWords, notMeDecisionsOf } from '../../console/src/pages/suggestions/mining-run-stats.ts';

// The Suggestions page's pure helpers for what mining learned from consents.

describe('a mining run on the Suggestions page', () => {
  it('reads the "not me" decisions from the run stats, 0 when absent or malformed', () => {
    expect(notMeDecisionsOf({ decisions: 140, notMeDecisions: 3 })).toBe(3);
    expect(notMeDecisionsOf({ decisions: 140 })).toBe(0);
    expect(notMeDecisionsOf({ notMeDecisions: '3' })).toBe(0);
    expect(notMeDecisionsOf(null)).toBe(0);
  });

  it("says a vetoed rule's conditions as a suggestion's summary does", () => {
    expect(
      conditionsInWords([
        { attribute: 'resource.path', operator: 'equals', value: 'analytics.marts.customers' },
        { attribute: 'human.groups', operator: 'contains', value: 'analysts' },
      ]),
    ).toBe('resource.path = analytics.marts.customers and human.groups contains analysts');
  });
});
