import { beforeAll, describe, expect, it } from 'vitest';
import { generateDecisions } from '../../bench/generate-decisions.ts';
import type { DecisionRecord } from '../../src/mining/decision-record.ts';
import { mineSuggestions } from '../../src/mining/mine-rules.ts';
import type { MiningResult, RuleSuggestion } from '../../src/mining/rule-suggestion.ts';
import { seededRandom } from '../../src/mining/seeded-random.ts';
import { oneSidedZ, wilsonLowerBound } from '../../src/mining/wilson.ts';
import { ApertureError } from '../../src/shared/errors.ts';
import { conditionsOf, decision, recordMatches } from './decision-fixtures.ts';

/** The shape every suggestion must have, whatever the data. */
function expectWellFormed(result: MiningResult, threshold = 0.95, minSupport = 20) {
  for (const suggestion of result.suggestions) {
    const attributes = suggestion.conditions.map((condition) => condition.attribute);
    expect(attributes.length).toBeLessThanOrEqual(3);
    expect(attributes.some((attribute) => attribute.startsWith('resource.'))).toBe(true);
    expect(attributes.some((attribute) => attribute.startsWith('human.'))).toBe(true);
    expect(suggestion.evidence.lowerBound).toBeGreaterThanOrEqual(threshold);
    expect(suggestion.evidence.support).toBeGreaterThanOrEqual(minSupport);
  }
}

describe('mining planted rules from a synthetic history', () => {
  let records: DecisionRecord[];
  let result: MiningResult;
  const find = (action: string, ...conditions: string[]): RuleSuggestion | undefined =>
    result.suggestions.find(
      (suggestion) =>
        suggestion.action === action &&
        conditionsOf(suggestion).length === conditions.length &&
        conditions.every((condition) => conditionsOf(suggestion).includes(condition)),
    );

  beforeAll(() => {
    records = generateDecisions({ decisions: 60_000, seed: 11 });
    result = mineSuggestions(records);
  });

  it('recovers the planted rules, resource side first', () => {
    expect(find('deny', 'resource.sensitivity=RESTRICTED', 'human.employmentType=contractor')).toBeDefined();
    expect(find('approve', 'resource.tags=kpi', 'human.groups=bi-users')?.conditions).toEqual([
      { attribute: 'resource.tags', operator: 'contains', value: 'kpi' },
      { attribute: 'human.groups', operator: 'contains', value: 'bi-users' },
    ]);
    // PUBLIC finance data and the legal department are too rare in 60,000 decisions to clear the bound.
    for (const sensitivity of ['INTERNAL', 'CONFIDENTIAL']) {
      expect(
        find(
          'approve',
          'resource.domain=finance',
          `resource.sensitivity=${sensitivity}`,
          'human.department=finance',
        ),
      ).toBeDefined();
    }
    expect(
      find('approve', 'resource.tags=telemetry', 'human.department=engineering', 'request.tier=DISCOVER'),
    ).toBeDefined();
    for (const department of ['engineering', 'sales', 'finance', 'marketing', 'operations', 'support']) {
      expect(find('deny', 'resource.domain=hr', `human.department=${department}`)).toBeDefined();
    }
    // Tags only HR data carries say nothing the domain does not: that suggestion is redundant.
    expect(
      result.suggestions.some((suggestion) => conditionsOf(suggestion).includes('resource.tags=payroll')),
    ).toBe(false);
    expect(result.stats.removedRedundant).toBeGreaterThan(0);
  });

  it('gives each suggestion the evidence a brute-force count of the history gives', () => {
    const z = oneSidedZ(0.95);
    for (const suggestion of result.suggestions) {
      const matching = records.filter((record) => recordMatches(record, suggestion.conditions));
      const approved = matching.filter((record) => record.outcome === 'approved').length;
      const agreeing = matching.filter(
        (record) => (record.outcome === 'approved') === (suggestion.action === 'approve'),
      );
      const { evidence } = suggestion;
      expect(evidence.support).toBe(matching.length);
      expect(evidence.approved).toBe(approved);
      expect(evidence.denied).toBe(matching.length - approved);
      const successes = suggestion.action === 'approve' ? approved : matching.length - approved;
      expect(evidence.rate).toBeCloseTo(successes / matching.length, 12);
      expect(evidence.lowerBound).toBeCloseTo(wilsonLowerBound(successes, matching.length, z), 12);
      expect(evidence.distinctApprovers).toBe(new Set(agreeing.map((record) => record.approver!.id)).size);
      expect(evidence.distinctTeams).toBe(new Set(agreeing.map((record) => record.approver!.team)).size);
      const ids = new Set(matching.map((record) => record.id));
      for (const example of [...evidence.examples.agreeing, ...evidence.examples.disagreeing]) {
        expect(ids.has(example.id)).toBe(true);
      }
      expect(evidence.examples.agreeing).toHaveLength(3);
      expect(
        evidence.examples.agreeing.every(
          (example) => example.outcome === (suggestion.action === 'approve' ? 'approved' : 'denied'),
        ),
      ).toBe(true);
      expect(evidence.backtest.autoDecided).toBeLessThanOrEqual(evidence.support);
      expect(evidence.backtest.agreed + evidence.backtest.overturned).toBe(evidence.backtest.autoDecided);
      if (suggestion.action === 'deny') expect(evidence.backtest.overturned).toBe(evidence.approved);
      expect(evidence.reach.pairs).toBe(evidence.reach.humans * evidence.reach.resources);
      expect(evidence.reach.undecidedPairs).toBe(evidence.reach.pairs - evidence.reach.decidedPairs);
    }
  });

  it('counts reach as human and resource snapshots in the log that no decision paired', () => {
    const suggestion = find('deny', 'resource.sensitivity=RESTRICTED', 'human.employmentType=contractor')!;
    // People with the same attributes are one snapshot; every resource has a fixed snapshot here.
    const humans = new Set(
      records
        .filter((record) => record.human.employmentType === 'contractor')
        .map((record) => JSON.stringify(record.human)),
    );
    const resources = new Set(
      records
        .filter((record) => record.resource.sensitivity === 'RESTRICTED')
        .map((record) => record.resource.path),
    );
    const decided = new Set(
      records
        .filter((record) => recordMatches(record, suggestion.conditions))
        .map((record) => `${JSON.stringify(record.human)}|${record.resource.path}`),
    );
    expect(suggestion.evidence.reach).toEqual({
      humans: humans.size,
      resources: resources.size,
      pairs: humans.size * resources.size,
      decidedPairs: decided.size,
      undecidedPairs: humans.size * resources.size - decided.size,
    });
  });

  it('never names only one side, never goes below the bound', () => {
    expect(result.suggestions.length).toBeGreaterThan(10);
    expectWellFormed(result);
  });

  it('backtests all suggestions together, deny winning', () => {
    const { backtest } = result;
    expect(backtest.decisions).toBe(records.length);
    expect(backtest.coverage).toBeGreaterThan(0.1);
    expect(backtest.falseApprovals / backtest.autoApproved).toBeLessThan(0.03);
  });
});

describe('mining noise', () => {
  it('finds nothing when outcomes do not depend on the attributes', () => {
    const random = seededRandom(5);
    const records = generateDecisions({ decisions: 30_000, seed: 5 }).map((record) => ({
      ...record,
      outcome: random.next() < 0.7 ? ('approved' as const) : ('denied' as const),
    }));
    const result = mineSuggestions(records);
    expect(result.suggestions).toEqual([]);
  });

  it('does not suggest planted rules whose true rate is below the bound', () => {
    const records = generateDecisions({ decisions: 60_000, seed: 12, plantedApproval: 0.9 });
    const result = mineSuggestions(records);
    expectWellFormed(result);
    const approveConditions = result.suggestions
      .filter((suggestion) => suggestion.action === 'approve')
      .flatMap(conditionsOf);
    expect(approveConditions).not.toContain('human.groups=bi-users');
    expect(approveConditions).not.toContain('human.department=finance');
    // The deny rules were not weakened.
    expect(result.suggestions.some((suggestion) => suggestion.action === 'deny')).toBe(true);
  });
});

describe('the shape of suggestions', () => {
  /** Contractors are always denied, whatever they ask for; the rest is a coin flip. */
  const random = seededRandom(3);
  const records: DecisionRecord[] = [];
  for (let index = 0; index < 600; index += 1) {
    const contractor = index % 3 === 0;
    const domain = ['sales', 'finance', 'marketing'][(index % 5) % 3]!;
    records.push(
      decision(index, contractor || random.next() < 0.5 ? 'denied' : 'approved', {
        human: {
          department: ['sales', 'finance'][index % 2]!,
          employmentType: contractor ? 'contractor' : 'employee',
        },
        resource: { path: `dw.${domain}.table_${index % 7}`, domain },
      }),
    );
  }

  it('pins the resource side even when the requester alone predicts the outcome', () => {
    const result = mineSuggestions(records);
    expect(result.suggestions.length).toBeGreaterThan(0);
    expectWellFormed(result);
    expect(
      result.suggestions.every((suggestion) =>
        conditionsOf(suggestion).includes('human.employmentType=contractor'),
      ),
    ).toBe(true);
  });
});

describe('subsumed, redundant and existing rules', () => {
  /** Finance people on finance data: approved; everything else: mixed. */
  const records: DecisionRecord[] = [];
  for (let index = 0; index < 400; index += 1) {
    const finance = index % 2 === 0;
    records.push(
      decision(index, finance || index % 4 === 1 ? 'approved' : 'denied', {
        human: {
          department: finance ? 'finance' : 'sales',
          region: ['emea', 'amer'][index % 3 === 0 ? 0 : 1]!,
        },
        resource: finance
          ? { path: `dw.finance.ledger_${index % 3}`, domain: 'finance', tags: ['finance'] }
          : { path: 'dw.sales.orders', domain: 'sales' },
      }),
    );
  }

  it('keeps the general rule, not the ones it subsumes or makes redundant', () => {
    const result = mineSuggestions(records, { threshold: 0.9 });
    const approves = result.suggestions
      .filter((suggestion) => suggestion.action === 'approve')
      .map(conditionsOf);
    // One of the equivalent general rules (the finance domain or tag: the same decisions), never a
    // narrower one (a path, a region) nor one that reaches further (every table).
    expect(approves).toHaveLength(1);
    expect([
      ['resource.domain=finance', 'human.department=finance'],
      ['resource.tags=finance', 'human.department=finance'],
    ]).toContainEqual(approves[0]);
    expect(result.stats.removedSubsumed + result.stats.removedRedundant).toBeGreaterThan(0);
  });

  it('reports conflicts with existing rules of the other action, and drops what an existing rule covers', () => {
    const result = mineSuggestions(records, { threshold: 0.9 }, [
      {
        id: 'no-emea-finance',
        action: 'deny',
        conditions: [{ attribute: 'human.region', operator: 'equals', value: 'emea' }],
      },
      {
        id: 'not-overlapping',
        action: 'deny',
        conditions: [{ attribute: 'human.department', operator: 'equals', value: 'sales' }],
      },
    ]);
    const finance = result.suggestions.find((suggestion) => suggestion.action === 'approve')!;
    const emeaFinance = records.filter(
      (record) => record.human.department === 'finance' && record.human.region === 'emea',
    ).length;
    expect(finance.conflicts).toEqual([
      { ruleId: 'no-emea-finance', action: 'deny', sharedDecisions: emeaFinance },
    ]);

    const covered = mineSuggestions(records, { threshold: 0.9 }, [
      {
        id: 'finance-on-finance',
        action: 'approve',
        conditions: [{ attribute: 'human.department', operator: 'equals', value: 'finance' }],
      },
    ]);
    expect(covered.suggestions.filter((suggestion) => suggestion.action === 'approve')).toEqual([]);
    expect(covered.stats.removedCoveredByExistingRule).toBeGreaterThan(0);
  });

  it('requires distinct approvers', () => {
    const oneApprover = records.map((record) => ({ ...record, approver: { id: 'alice', team: 'finance' } }));
    const result = mineSuggestions(oneApprover, { threshold: 0.9 });
    expect(result.suggestions).toEqual([]);
    expect(result.stats.removedTooFewApprovers).toBeGreaterThan(0);
    expect(mineSuggestions(oneApprover, { threshold: 0.9, minDistinctApprovers: 1 }).suggestions).not.toEqual(
      [],
    );
  });

  it('refuses invalid options with INVALID_INPUT', () => {
    expect(() => mineSuggestions(records, { threshold: 1.5 })).toThrow(ApertureError);
    expect(() => mineSuggestions(records, { maxConditions: 4 })).toThrow(/maxConditions/);
  });
});
