import { describe, expect, it } from 'vitest';
import { formatRun } from '../../src/cli/commands/mine.ts';
import type { MiningResult } from '../../src/mining/rule-suggestion.ts';
import type { MiningRunSummary } from '../../src/mining/workflow/store-mining-result.ts';

/** What `aperture mine` prints about the requests people called "not me" (the run itself: workflow-jobs). */
const stats: MiningResult['stats'] = {
  decisions: 140,
  notMeDecisions: 0,
  items: 12,
  frequentItems: 8,
  pairsCounted: 20,
  triplesCounted: 10,
  candidates: 4,
  removedSubsumed: 0,
  removedRedundant: 0,
  removedCoveredByOthers: 0,
  removedCoveredByExistingRule: 0,
  removedTooFewApprovers: 0,
  removedNotMe: 0,
};

const run: MiningRunSummary = {
  runId: '00000000-0000-4000-8000-000000000001',
  trigger: 'cli',
  startedAt: '2026-12-01T09:00:00.000Z',
  finishedAt: '2026-12-01T09:00:01.000Z',
  requests: 140,
  decisions: 140,
  skipped: 0,
  suggestions: {
    mined: 1,
    new: 1,
    resurfaced: 0,
    refreshed: 0,
    superseded: 0,
    withheldRejected: 0,
    withheldAccepted: 0,
  },
  vetoed: [],
  backtest: {
    decisions: 140,
    autoApproved: 80,
    autoDenied: 0,
    coverage: 0.57,
    falseApprovals: 0,
    falseDenials: 0,
  },
  stats,
};

describe('aperture mine output', () => {
  it('says nothing of "not me" when nobody said it', () => {
    expect(formatRun(run)).not.toContain('not me');
  });

  it('prints the "not me" decisions and the approve rules they vetoed', () => {
    const output = formatRun({
      ...run,
      stats: { ...stats, notMeDecisions: 2, removedNotMe: 3 },
      vetoed: [
        {
          id: 'mined-0123abcd',
          conditions: [{ attribute: 'human.department', operator: 'equals', value: 'finance' }],
          support: 80,
          approved: 80,
          lowerBound: 0.97,
          notMe: 1,
          notMeExamples: ['9f8e7d6c-0000-4000-8000-000000000002'],
        },
      ],
    });
    expect(output).toContain(
      'Requests the person called "not me": 2 decisions, in no rate or approver count; no approve rule that matches one is suggested.',
    );
    expect(output).toContain('Not suggested, would approve "not me" requests (1):');
    expect(output).toContain(
      '  approve when human.department = finance: 80 decisions, 1 "not me" (9f8e7d6c-0000-4000-8000-000000000002)',
    );
  });
});
