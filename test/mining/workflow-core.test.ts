import { describe, expect, it } from 'vitest';
import type { RuleCondition } from '../../src/mining/rule-condition.ts';
import type { RuleSuggestion } from '../../src/mining/rule-suggestion.ts';
import { suggestionPromise } from '../../src/mining/suggestion-promise.ts';
import type { DecidedRequest } from '../../src/mining/workflow/decided-request.ts';
import { decisionRecordsOf } from '../../src/mining/workflow/decisions-from-requests.ts';
import { suggestionFingerprint } from '../../src/mining/workflow/fingerprint.ts';
import { RuleSimulation } from '../../src/mining/workflow/rule-simulation.ts';
import { existingRulesFromRuleSet } from '../../src/mining/workflow/rules-as-existing.ts';
import {
  evidenceChangedMaterially,
  type KnownSuggestion,
  planSuggestionChanges,
} from '../../src/mining/workflow/suggestion-lifecycle.ts';
import { placeRule, suggestionToRule } from '../../src/mining/workflow/suggestion-to-rule.ts';
import type { PolicyHuman } from '../../src/policy/access-context.ts';
import type { RequestFacts } from '../../src/requests/rules/evaluate-rules.ts';
import { type RuleInput, ruleSchema } from '../../src/requests/rules/rule-schema.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';

/** The pure core of the mining workflow: fingerprints, the lifecycle, suggestion → rule, simulation. */

const financeCustomers: RuleCondition[] = [
  { attribute: 'resource.path', operator: 'equals', value: 'analytics.marts.customers' },
  { attribute: 'human.department', operator: 'equals', value: 'finance' },
];

function evidence(support: number, lowerBound: number): Omit<RuleSuggestion['evidence'], 'promise'> {
  return {
    support,
    approved: support,
    denied: 0,
    rate: 1,
    lowerBound,
    confidence: 0.95,
    distinctApprovers: 5,
    distinctTeams: 1,
    teams: ['sales'],
    examples: { agreeing: [], disagreeing: [] },
    backtest: { autoDecided: support, agreed: support, overturned: 0, overturnRate: 0, from: null, to: null },
    reach: { humans: 1, resources: 1, pairs: 1, decidedPairs: 1, undecidedPairs: 0 },
    consent: { always: 0, notMe: 0 },
  };
}

function mined(
  conditions: RuleCondition[],
  support = 100,
  lowerBound = 0.96,
  action: 'approve' | 'deny' = 'approve',
): RuleSuggestion {
  const promise = suggestionPromise(
    {
      action,
      estimate: lowerBound,
      decisions: support,
      estimator: 'wilson',
      threshold: 0.95,
      boundConfidence: 0.95,
    },
    {
      status: 'fixed',
      threshold: 0.95,
      estimator: 'wilson',
      targetFalseApprovalRate: 0.01,
      confidence: 0.99,
      folds: 0,
      decisions: support,
      denials: 0,
      historyDecisions: support,
      chosen: null,
      measured: [],
    },
  );
  return {
    id: 'x',
    action,
    conditions,
    evidence: { ...evidence(support, lowerBound), promise },
    conflicts: [],
  };
}

function known(
  id: string,
  status: KnownSuggestion['status'],
  conditions: RuleCondition[],
  extra: Partial<KnownSuggestion> = {},
): KnownSuggestion {
  return {
    id,
    fingerprint: suggestionFingerprint('approve', conditions),
    status,
    evidence: evidence(100, 0.96),
    reviewedAt: null,
    reviewedBy: null,
    rejectReason: null,
    ...extra,
  };
}

describe('fingerprints', () => {
  it('are the action and the conditions in canonical order', () => {
    const reversed = [...financeCustomers].reverse();
    expect(suggestionFingerprint('approve', reversed)).toBe(
      suggestionFingerprint('approve', financeCustomers),
    );
    expect(suggestionFingerprint('approve', financeCustomers)).toBe(
      '["approve",["human.department","equals","finance"],["resource.path","equals","analytics.marts.customers"]]',
    );
    expect(suggestionFingerprint('deny', financeCustomers)).not.toBe(
      suggestionFingerprint('approve', financeCustomers),
    );
    // Values that look like separators do not collide.
    expect(
      suggestionFingerprint('approve', [{ attribute: 'human.title', operator: 'equals', value: 'a&b=c' }]),
    ).not.toBe(
      suggestionFingerprint('approve', [
        { attribute: 'human.title', operator: 'equals', value: 'a' },
        { attribute: 'b', operator: 'equals', value: 'c' },
      ]),
    );
  });
});

describe('a material change of evidence', () => {
  it.each([
    [100, 0.95, 125, 0.95, true, 'support +25 (25%)'],
    [100, 0.95, 124, 0.95, false, 'support +24 (24%)'],
    [40, 0.95, 60, 0.95, true, 'support +20 (50%)'],
    [40, 0.95, 59, 0.95, false, 'support +19: too few decisions'],
    [200, 0.95, 240, 0.95, false, 'support +40 (20%): too small a share'],
    [100, 0.95, 100, 0.97, true, 'lower bound +0.02'],
    [100, 0.95, 110, 0.969, false, 'lower bound +0.019'],
    [100, 0.97, 130, 0.9, true, 'support grew, bound fell'],
    [100, 0.97, 100, 0.9, false, 'weaker evidence'],
  ])('%i@%f → %i@%f: %s', (supportBefore, boundBefore, supportNow, boundNow, changed) => {
    expect(
      evidenceChangedMaterially(
        { support: supportBefore, lowerBound: boundBefore },
        { support: supportNow, lowerBound: boundNow },
      ),
    ).toBe(changed);
  });
});

describe('the suggestion lifecycle', () => {
  const marketing: RuleCondition[] = [
    { attribute: 'resource.path', operator: 'equals', value: 'analytics.marts.customers' },
    { attribute: 'human.department', operator: 'equals', value: 'marketing' },
  ];
  const sales: RuleCondition[] = [{ attribute: 'human.department', operator: 'equals', value: 'sales' }];
  const legal: RuleCondition[] = [{ attribute: 'human.department', operator: 'equals', value: 'legal' }];
  const hr: RuleCondition[] = [{ attribute: 'human.department', operator: 'equals', value: 'hr' }];

  it('refreshes NEW ones, supersedes the rest, withholds accepted and rejected ones, and brings back rejected ones on new evidence', () => {
    const plan = planSuggestionChanges(
      [mined(financeCustomers), mined(marketing), mined(legal, 130), mined(hr, 100)],
      [
        known('new-finance', 'NEW', financeCustomers),
        known('new-gone', 'NEW', sales),
        known('accepted-marketing', 'ACCEPTED', marketing),
        known('rejected-legal-old', 'REJECTED', legal, {
          reviewedAt: new Date('2025-01-01'),
          evidence: evidence(10, 0.5),
        }),
        known('rejected-legal', 'REJECTED', legal, {
          reviewedAt: new Date('2025-06-01'),
          reviewedBy: 'gina',
          rejectReason: 'not yet',
        }),
        known('rejected-hr', 'REJECTED', hr),
      ],
    );
    expect(plan.refresh.map((entry) => entry.id)).toEqual(['new-finance']);
    expect(plan.supersede).toEqual(['new-gone']);
    expect(plan.withheldAccepted.map((entry) => entry.acceptedId)).toEqual(['accepted-marketing']);
    // The latest rejection counts: 100 → 130 is material, hr's 100 → 100 is not.
    expect(plan.withheldRejected.map((entry) => entry.rejectedId)).toEqual(['rejected-hr']);
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]!.previousRejection).toEqual({
      suggestionId: 'rejected-legal',
      reason: 'not yet',
      rejectedAt: '2025-06-01T00:00:00.000Z',
      rejectedBy: 'gina',
      support: 100,
      lowerBound: 0.96,
    });
  });

  it('keeps the rejection a NEW suggestion came back from when refreshing it', () => {
    const previousRejection = {
      suggestionId: 'old',
      reason: 'no',
      rejectedAt: null,
      rejectedBy: null,
      support: 10,
      lowerBound: 0.9,
    };
    const plan = planSuggestionChanges(
      [mined(financeCustomers)],
      [
        known('came-back', 'NEW', financeCustomers, {
          evidence: { ...evidence(50, 0.9), previousRejection },
        }),
      ],
    );
    expect(plan.refresh).toEqual([expect.objectContaining({ id: 'came-back', previousRejection })]);
  });
});

describe('a suggestion as a rule', () => {
  const suggestion = {
    id: '6f1c3a56-3c55-4ad4-9d43-61b2f1d47f0a',
    fingerprint: suggestionFingerprint('approve', financeCustomers),
    action: 'approve' as const,
    evidence: evidence(157, 0.962),
  };

  it('maps every kind of condition to the rule format, and validates as an authored rule', () => {
    const rule = suggestionToRule({
      ...suggestion,
      conditions: [
        { attribute: 'resource.tags', operator: 'contains', value: 'pii' },
        { attribute: 'resource.domain', operator: 'equals', value: 'sales' },
        { attribute: 'resource.sensitivity', operator: 'equals', value: 'CONFIDENTIAL' },
        { attribute: 'resource.kind', operator: 'equals', value: 'dataset' },
        { attribute: 'human.groups', operator: 'contains', value: 'analysts' },
        { attribute: 'human.attributes.costCenter', operator: 'equals', value: 'F100' },
        { attribute: 'request.tier', operator: 'equals', value: 'READ' },
        { attribute: 'request.intent', operator: 'equals', value: 'analytics' },
        { attribute: 'request.agent', operator: 'equals', value: 'sql-agent' },
      ],
    });
    expect(rule).toMatchObject({
      id: expect.stringMatching(/^mined-[0-9a-f]{8}$/),
      action: 'approve',
      maxDuration: 'PT8H',
      provenance: { suggestion: suggestion.id },
      when: {
        human: {
          match: 'all',
          conditions: [
            { attribute: 'groups', op: 'equals', value: 'analysts' },
            { attribute: 'attributes.costCenter', op: 'equals', value: 'F100' },
          ],
        },
        resources: { tags: ['pii'], domains: ['sales'], sensitivities: ['CONFIDENTIAL'], kinds: ['dataset'] },
        tiers: ['READ'],
        intents: ['analytics'],
        agents: ['sql-agent'],
      },
    });
    expect(rule).not.toHaveProperty('reason');
    expect(ruleSchema.safeParse(rule).success).toBe(true);
  });

  it('says what it saw in the description; deny rules get a reason; edits win', () => {
    const approve = suggestionToRule({ ...suggestion, conditions: financeCustomers });
    expect(approve.description).toBe(
      'Mined: approve when resource.path = analytics.marts.customers and human.department = finance. ' +
        'People decided 157 such requests: 157 approved, 0 denied (100.0% approved, lower bound 96.2% at 95.0% confidence), ' +
        'by 5 approvers in sales.',
    );
    const deny = suggestionToRule({ ...suggestion, action: 'deny', conditions: financeCustomers });
    expect(deny).not.toHaveProperty('maxDuration');
    expect(deny.reason).toMatch(/denied by approvers 0 times out of 157/);
    expect(ruleSchema.safeParse(deny).success).toBe(true);
    const edited = suggestionToRule(
      { ...suggestion, conditions: financeCustomers },
      { id: 'finance-customers', description: 'Finance reads customers', maxDuration: 'PT2H' },
    );
    expect(edited).toMatchObject({
      id: 'finance-customers',
      description: 'Finance reads customers',
      maxDuration: 'PT2H',
    });
    // A maxDuration on a deny rule is passed on for the rule validation to refuse.
    expect(
      ruleSchema.safeParse(
        suggestionToRule(
          { ...suggestion, action: 'deny', conditions: financeCustomers },
          { maxDuration: 'PT1H' },
        ),
      ).success,
    ).toBe(false);
  });

  it('refuses conditions no rule can say, naming them', () => {
    const twoTags = () =>
      suggestionToRule({
        ...suggestion,
        conditions: [
          { attribute: 'resource.tags', operator: 'contains', value: 'pii' },
          { attribute: 'resource.tags', operator: 'contains', value: 'finance' },
          { attribute: 'resource.owner', operator: 'equals', value: 'dana@shop.example' },
          { attribute: 'human.name', operator: 'equals', value: 'Ana' },
        ],
      });
    expect(twoTags).toThrow(InvalidInputError);
    expect(twoTags).toThrow(/resource.tags contains finance: a rule cannot require two tags at once/);
    expect(twoTags).toThrow(/resource.owner = dana@shop.example: rules cannot test resource.owner/);
    expect(twoTags).toThrow(/human.name = Ana: rules cannot test the human attribute name/);
  });

  it('goes first unless placed elsewhere', () => {
    expect(placeRule(['a', 'b'], 'new')).toEqual(['new', 'a', 'b']);
    expect(placeRule(['a', 'b'], 'new', 1)).toEqual(['a', 'new', 'b']);
    expect(placeRule(['a', 'b'], 'new', 9)).toEqual(['a', 'b', 'new']);
  });

  it('reads back as the conditions it came from, so the miner sees it covers the suggestion', () => {
    const rule = ruleSchema.parse(suggestionToRule({ ...suggestion, conditions: financeCustomers }));
    expect(existingRulesFromRuleSet([rule])).toEqual([
      {
        id: rule.id,
        action: 'approve',
        conditions: [
          { attribute: 'human.department', operator: 'equals', value: 'finance' },
          { attribute: 'resource.path', operator: 'equals', value: 'analytics.marts.customers' },
        ],
      },
    ]);
  });
});

describe('rules in force as the miner sees them', () => {
  const parse = (rules: RuleInput[]) => rules.map((rule) => ruleSchema.parse(rule));

  it('splits lists into one conjunction per value, leaves out what conditions cannot say, skips route rules', () => {
    const existing = existingRulesFromRuleSet(
      parse([
        {
          id: 'analysts-internal',
          description: 'x',
          when: {
            human: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
            resources: { sensitivities: ['PUBLIC', 'INTERNAL'], paths: ['analytics.**'] },
            maxRequestedDuration: 'P1D',
          },
          action: 'approve',
          maxDuration: 'PT8H',
        },
        {
          id: 'no-contractors',
          description: 'x',
          when: {
            human: {
              match: 'any',
              conditions: [
                { attribute: 'groups', op: 'equals', value: 'contractors' },
                { attribute: 'department', op: 'in', values: ['vendors', 'temps'] },
              ],
            },
          },
          action: 'deny',
          reason: 'no',
        },
        {
          id: 'to-owners',
          description: 'x',
          action: 'route',
          route: { approvers: [{ kind: 'owners' }] },
        },
      ]),
    );
    expect(existing).toEqual([
      {
        id: 'analysts-internal',
        action: 'approve',
        conditions: [
          { attribute: 'human.groups', operator: 'contains', value: 'analysts' },
          { attribute: 'resource.sensitivity', operator: 'equals', value: 'PUBLIC' },
        ],
      },
      {
        id: 'analysts-internal',
        action: 'approve',
        conditions: [
          { attribute: 'human.groups', operator: 'contains', value: 'analysts' },
          { attribute: 'resource.sensitivity', operator: 'equals', value: 'INTERNAL' },
        ],
      },
      {
        id: 'no-contractors',
        action: 'deny',
        conditions: [{ attribute: 'human.groups', operator: 'contains', value: 'contractors' }],
      },
      {
        id: 'no-contractors',
        action: 'deny',
        conditions: [{ attribute: 'human.department', operator: 'equals', value: 'vendors' }],
      },
      {
        id: 'no-contractors',
        action: 'deny',
        conditions: [{ attribute: 'human.department', operator: 'equals', value: 'temps' }],
      },
    ]);
  });
});

const ana: PolicyHuman = {
  email: 'ana@acme.test',
  department: 'finance',
  region: 'emea',
  title: null,
  groups: ['analysts'],
  manager: 'mark@acme.test',
  attributes: { costCenter: 'F100', level: 3, badges: ['a', 'b'], nested: { x: 1 }, 'bad key': 'x' },
};

const object = (path: string, tags: string[]) => ({
  id: path,
  kind: 'dataset' as const,
  path,
  datasetPath: null,
  tags,
  domain: 'sales',
  sensitivity: 'CONFIDENTIAL' as const,
  dependsOn: [],
});

describe('decision records of a decided request', () => {
  it('has one record per object, with what the decider saw, the agent by client id and the approver by email and team', () => {
    const request: DecidedRequest = {
      id: 'r1',
      outcome: 'approved',
      decidedAt: new Date('2025-05-01T10:00:00Z'),
      createdAt: new Date('2025-05-01T09:00:00Z'),
      deciderId: 'p-dana',
      agentId: 'a-1',
      intent: 'analytics',
      tier: 'READ',
      requestedSeconds: 3_600,
      human: ana,
      resources: [object('analytics.marts.customers', ['pii']), object('analytics.marts.orders', [])],
      consent: null,
    };
    const records = decisionRecordsOf(request, {
      agentClientId: (id) => (id === 'a-1' ? 'sql-agent' : undefined),
      person: (id) => (id === 'p-dana' ? { email: 'dana@shop.example', department: 'sales' } : undefined),
    });
    expect(records.map((record) => record.id)).toEqual(['r1#1', 'r1#2']);
    expect(records[0]).toEqual({
      id: 'r1#1',
      decidedAt: request.decidedAt,
      outcome: 'approved',
      approver: { id: 'dana@shop.example', team: 'sales' },
      human: {
        department: 'finance',
        region: 'emea',
        manager: 'mark@acme.test',
        groups: ['analysts'],
        'attributes.costCenter': 'F100',
        'attributes.level': '3',
        'attributes.badges': ['a', 'b'],
      },
      resource: {
        path: 'analytics.marts.customers',
        kind: 'dataset',
        tags: ['pii'],
        domain: 'sales',
        sensitivity: 'CONFIDENTIAL',
      },
      request: { intent: 'analytics', tier: 'READ', agent: 'sql-agent' },
      consent: null,
    });
  });
});

describe('simulating a draft rule', () => {
  const facts = (human: PolicyHuman, tags: string[]): RequestFacts => ({
    human,
    agentClientId: 'sql-agent',
    intent: 'analytics',
    resources: [object('analytics.marts.customers', tags)],
    tier: 'READ',
    requestedSeconds: 3_600,
    at: new Date('2025-05-01T09:00:00Z'),
  });
  const bob: PolicyHuman = { ...ana, email: 'bob@acme.test', department: 'engineering', groups: [] };

  it('counts matches, how people decided them, the overturned ones, and what the rules with it would decide', () => {
    const draft = ruleSchema.parse({
      id: 'finance-pii',
      description: 'x',
      when: {
        human: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
        resources: { tags: ['pii'] },
      },
      action: 'approve',
      maxDuration: 'PT1H',
    });
    const inForce = ruleSchema.parse({
      id: 'no-engineers',
      description: 'x',
      when: { human: { conditions: [{ attribute: 'department', op: 'equals', value: 'engineering' }] } },
      action: 'deny',
      reason: 'no',
    });
    const simulation = new RuleSimulation(draft, [inForce]);
    simulation.add({ id: 'a', outcome: 'approved', facts: facts(ana, ['pii']) });
    simulation.add({ id: 'b', outcome: 'denied', facts: facts(ana, ['pii']) });
    simulation.add({ id: 'c', outcome: 'denied', facts: facts(ana, ['pii']) });
    simulation.add({ id: 'd', outcome: 'approved', facts: facts(ana, []) });
    simulation.add({ id: 'e', outcome: 'denied', facts: facts(bob, ['pii']) });
    expect(simulation.result()).toEqual({
      ruleId: 'finance-pii',
      action: 'approve',
      decisions: 5,
      matched: 3,
      matchedApproved: 1,
      matchedDenied: 2,
      overturned: 2,
      overturnRate: 2 / 3,
      overturnedExamples: ['c', 'b'],
      withRules: { decidedByDraft: 3, approve: 3, deny: 1, route: 1 },
      notMe: { matched: 0, approvedByDraft: 0, approvedWithRules: 0, approvedExamples: [] },
    });
  });
});
