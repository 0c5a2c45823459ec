import { describe, expect, it } from 'vitest';
import type { PolicyHuman, PolicyObject } from '../../src/policy/access-context.ts';
import { defaultGrantMaximums, grantExpiry } from '../../src/requests/grants/grant-limits.ts';
import { evaluateRules, type RequestFacts } from '../../src/requests/rules/evaluate-rules.ts';
import type { RuleInput } from '../../src/requests/rules/rule-schema.ts';
import { validateRuleSet } from '../../src/requests/rules/rule-store.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';

const ana: PolicyHuman = {
  email: 'ana@acme.test',
  department: 'finance',
  region: 'emea',
  title: 'Analyst',
  groups: ['analysts'],
  manager: 'mark@acme.test',
  attributes: {},
};

const orders: PolicyObject = {
  id: 'd1',
  kind: 'dataset',
  path: 'dw.sales.orders',
  datasetPath: null,
  tags: ['finance'],
  domain: 'sales',
  sensitivity: 'INTERNAL',
  dependsOn: [],
};

// A Wednesday, 10:00 in Berlin.
const wednesdayMorning = new Date('2026-11-25T09:00:00Z');

const facts = (overrides: Partial<RequestFacts> = {}): RequestFacts => ({
  human: ana,
  agentClientId: 'sql-agent',
  intent: 'analytics',
  resources: [orders],
  tier: 'READ',
  requestedSeconds: 3_600,
  at: wednesdayMorning,
  ...overrides,
});

const rules = (inputs: RuleInput[]) => validateRuleSet(inputs, 'test');

describe('evaluateRules', () => {
  const set = rules([
    {
      id: 'business-hours',
      description: 'Analysts, office hours, short grants',
      when: {
        human: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
        maxRequestedDuration: 'PT8H',
        timeWindows: [
          {
            days: ['mon', 'tue', 'wed', 'thu', 'fri'],
            from: '08:00',
            to: '18:00',
            timeZone: 'Europe/Berlin',
          },
        ],
      },
      action: 'approve',
      maxDuration: 'PT4H',
    },
    {
      id: 'owners-otherwise',
      description: 'Everything else to the owners',
      when: { resources: { domains: ['sales'] } },
      action: 'route',
      route: { approvers: [{ kind: 'owners' }, { kind: 'manager' }], requiredApprovals: 2 },
    },
    {
      id: 'no-restricted',
      description: 'Never restricted data',
      when: { resources: { sensitivities: ['RESTRICTED'] } },
      action: 'deny',
      reason: 'Restricted data is never granted on request',
    },
  ]);

  it('takes the first matching approve or route rule in order', () => {
    expect(evaluateRules(set, facts())).toMatchObject({
      action: 'approve',
      rule: { id: 'business-hours' },
      maxSeconds: 14_400,
    });
    expect(evaluateRules(set, facts({ requestedSeconds: 86_400 }))).toMatchObject({
      action: 'route',
      rule: { id: 'owners-otherwise' },
      routing: { steps: [{ approvers: [{ kind: 'owners' }, { kind: 'manager' }], required: 2 }] },
    });
  });

  it('applies time windows in their time zone', () => {
    // 19:30 in Berlin, and a Saturday morning.
    expect(evaluateRules(set, facts({ at: new Date('2026-11-25T18:30:00Z') })).action).toBe('route');
    expect(evaluateRules(set, facts({ at: new Date('2026-11-28T09:00:00Z') })).action).toBe('route');
  });

  it('lets any matching deny win, wherever it is in the order', () => {
    const restricted = { ...orders, sensitivity: 'RESTRICTED' as const };
    expect(evaluateRules(set, facts({ resources: [orders, restricted] }))).toMatchObject({
      action: 'deny',
      rule: { id: 'no-restricted' },
      reason: 'Restricted data is never granted on request',
      matched: ['business-hours', 'owners-otherwise', 'no-restricted'],
    });
  });

  it('needs every requested object to match a resource condition', () => {
    const hr = { ...orders, id: 'd2', path: 'dw.hr.people', domain: 'hr' };
    expect(evaluateRules(set, facts({ resources: [orders, hr], requestedSeconds: 86_400 })).rule).toBeNull();
  });

  it('routes to the owners when no rule matches', () => {
    expect(evaluateRules([], facts())).toEqual({
      action: 'route',
      rule: null,
      routing: { ordered: false, steps: [{ approvers: [{ kind: 'owners' }], required: 1 }] },
      matched: [],
    });
  });

  it('tests the agent, the intent and the tier', () => {
    const narrow = rules([
      {
        id: 'one-agent',
        description: 'Only the SQL agent, under analytics, for discovery',
        when: { agents: ['sql-agent'], intents: ['analytics'], tiers: ['DISCOVER'] },
        action: 'approve',
        maxDuration: 'P1D',
      },
    ]);
    expect(evaluateRules(narrow, facts({ tier: 'DISCOVER' })).action).toBe('approve');
    expect(evaluateRules(narrow, facts({ tier: 'DISCOVER', agentClientId: 'other' })).action).toBe('route');
    expect(evaluateRules(narrow, facts({ tier: 'DISCOVER', intent: 'support' })).action).toBe('route');
    expect(evaluateRules(narrow, facts()).action).toBe('route');
  });
});

describe('rule validation', () => {
  it('rejects incomplete and contradictory rules with field-level errors', () => {
    const error = (() => {
      try {
        rules([
          { id: 'a', description: 'x', action: 'approve' },
          { id: 'no-reason', description: 'x', action: 'deny' },
          { id: 'routed', description: 'x', action: 'route', maxDuration: 'PT1H' },
          {
            id: 'bad-window',
            description: 'x',
            action: 'deny',
            reason: 'r',
            when: { timeWindows: [{ from: '18:00', to: '08:00', timeZone: 'Mars/Olympus' }] },
          },
          { id: 'no-reason', description: 'x', action: 'approve', maxDuration: 'P1M' },
        ]);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    const locations = (error as InvalidInputError).problems.map(
      (problem) => `${problem.location}: ${problem.message}`,
    );
    expect(locations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\[0\] \(a\)\.id: must be 2-100/),
        expect.stringMatching(/^rules\[0\] \(a\)\.maxDuration: approve rules need a maxDuration/),
        expect.stringMatching(/^rules\[1\] \(no-reason\)\.reason: deny rules need a reason/),
        expect.stringMatching(/^rules\[2\] \(routed\)\.route: route rules need/),
        expect.stringMatching(
          /^rules\[3\] \(bad-window\)\.when\.timeWindows\.0\.timeZone: must be an IANA time zone/,
        ),
        expect.stringMatching(
          /^rules\[4\] \(no-reason\)\.maxDuration: must be whole seconds or an ISO 8601 duration/,
        ),
      ]),
    );
  });

  it('rejects duplicate ids', () => {
    const duplicate = { id: 'same', description: 'x', action: 'deny' as const, reason: 'no' };
    expect(() => rules([duplicate, duplicate])).toThrow(/rules\[1\] \(same\)\.id: duplicate rule id same/);
  });
});

describe('grantExpiry', () => {
  const now = new Date('2026-11-25T09:00:00Z');
  const term = {
    now,
    tier: 'READ' as const,
    sensitivity: 'INTERNAL' as const,
    requestedSeconds: 86_400,
    approvedSeconds: null,
    ruleMaxSeconds: null,
    taskEndsAt: null,
  };
  const hoursFrom = (date: Date) => (date.getTime() - now.getTime()) / 3_600_000;

  it('is the earliest of what was requested, approved, the rule allows and the tier and sensitivity allow', () => {
    expect(hoursFrom(grantExpiry(term, defaultGrantMaximums))).toBe(24);
    expect(hoursFrom(grantExpiry({ ...term, approvedSeconds: 7_200 }, defaultGrantMaximums))).toBe(2);
    expect(hoursFrom(grantExpiry({ ...term, ruleMaxSeconds: 3 * 3_600 }, defaultGrantMaximums))).toBe(3);
    expect(hoursFrom(grantExpiry({ ...term, sensitivity: 'RESTRICTED' }, defaultGrantMaximums))).toBe(1);
  });

  it('ends a task-scoped grant with its task', () => {
    const taskEndsAt = new Date(now.getTime() + 600_000);
    expect(grantExpiry({ ...term, taskEndsAt }, defaultGrantMaximums)).toEqual(taskEndsAt);
  });
});
