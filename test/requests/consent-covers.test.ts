import { describe, expect, it } from 'vitest';
import type { StandingConsent } from '../../generated/prisma/client.ts';
import {
  type ConsentSettingsValues,
  confirmationAsked,
  defaultConsentSettings,
} from '../../src/requests/consent/confirmation-asked.ts';
import { type ConsentShape, consentCovers } from '../../src/requests/consent/consent-covers.ts';
import { type ConsentFacts, consentLapse } from '../../src/requests/consent/consent-lapse.ts';
import type { RuleOutcome } from '../../src/requests/rules/evaluate-rules.ts';
import { type Rule, ruleSchema } from '../../src/requests/rules/rule-schema.ts';

/**
 * The consent arithmetic (pure): which standing consent stands in for the person's confirmation,
 * when one lapses, and when a request asks the person at all. The same code decides over HTTP in
 * consent.test.ts; here every edge is one line.
 */
const now = new Date('2026-12-06T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const customers = 'analytics.marts.customers';
const orders = 'analytics.marts.fct_orders';
const staging = 'analytics.staging.stg_orders';

const consent = (overrides: Partial<StandingConsent> = {}): StandingConsent => ({
  id: 'c1',
  humanId: 'ana',
  scope: 'AGENT',
  agentId: 'agent',
  chain: ['agent'],
  intent: 'analytics',
  taskId: null,
  paths: [customers, orders],
  tier: 'READ',
  grantScope: 'TIME',
  maxSeconds: 3600,
  askedBy: 'rule:confirm',
  requestId: 'r1',
  channel: 'graphql',
  createdAt: now,
  expiresAt: later(86_400_000),
  lastUsedAt: null,
  uses: 0,
  endedAt: null,
  endReason: null,
  ...overrides,
});

const shape = (overrides: Partial<ConsentShape> = {}): ConsentShape => ({
  humanId: 'ana',
  chain: ['agent'],
  intent: 'analytics',
  taskId: null,
  paths: [customers, orders],
  tier: 'READ',
  grantScope: 'TIME',
  requestedSeconds: 3600,
  askedBy: 'rule:confirm',
  ...overrides,
});

const taskConsent = consent({ scope: 'TASK', taskId: 'task-1', paths: [customers] });
const taskShape = shape({ taskId: 'task-1', paths: [customers] });

describe('the grant a standing consent covers', () => {
  it('is no longer than the one the person confirmed', () => {
    expect(consentCovers(consent(), shape({ requestedSeconds: 3600 }), now)).toBe(true);
    expect(consentCovers(consent(), shape({ requestedSeconds: 1800 }), now)).toBe(true);
    expect(consentCovers(consent(), shape({ requestedSeconds: 3601 }), now)).toBe(false);
    expect(consentCovers(taskConsent, { ...taskShape, requestedSeconds: 86_400 }, now)).toBe(false);
  });

  it('stays bound to its task when the confirmed grant was', () => {
    const taskBound = consent({ grantScope: 'TASK' });
    expect(consentCovers(taskBound, shape({ grantScope: 'TASK' }), now)).toBe(true);
    expect(consentCovers(taskBound, shape({ grantScope: 'TIME' }), now)).toBe(false);
    // A timed grant's consent covers a task-bound one (it is narrower).
    expect(consentCovers(consent(), shape({ grantScope: 'TASK' }), now)).toBe(true);
  });
});

describe('an agent consent ("always for this agent")', () => {
  it('covers the same chain, intent and objects at its tier', () => {
    expect(consentCovers(consent(), shape(), now)).toBe(true);
  });

  it('covers some of its objects, and a lower tier', () => {
    expect(consentCovers(consent(), shape({ paths: [customers] }), now)).toBe(true);
    expect(consentCovers(consent(), shape({ paths: [orders], tier: 'DISCOVER' }), now)).toBe(true);
  });

  it('never covers an object beyond it, even beside covered ones', () => {
    expect(consentCovers(consent(), shape({ paths: [staging] }), now)).toBe(false);
    expect(consentCovers(consent(), shape({ paths: [customers, orders, staging] }), now)).toBe(false);
  });

  it('never covers a higher tier', () => {
    expect(consentCovers(consent({ tier: 'DISCOVER' }), shape(), now)).toBe(false);
  });

  it('is for one person, one intent and one exact chain', () => {
    expect(consentCovers(consent(), shape({ humanId: 'bob' }), now)).toBe(false);
    expect(consentCovers(consent(), shape({ intent: 'finance-close' }), now)).toBe(false);
    // Another agent, a sub-agent of the same agent, or the same agents in another order.
    expect(consentCovers(consent(), shape({ chain: ['other'] }), now)).toBe(false);
    expect(consentCovers(consent(), shape({ chain: ['agent', 'sub'] }), now)).toBe(false);
    expect(consentCovers(consent({ chain: ['agent', 'sub'] }), shape({ chain: ['sub', 'agent'] }), now)).toBe(
      false,
    );
  });

  it('covers only what the same rule (or setting) asks', () => {
    expect(consentCovers(consent(), shape({ askedBy: 'rule:other' }), now)).toBe(false);
    expect(consentCovers(consent(), shape({ askedBy: 'sub-agent' }), now)).toBe(false);
  });

  it('stops at its expiry (to the millisecond) and once ended', () => {
    const expiresAt = later(1_000);
    expect(consentCovers(consent({ expiresAt }), shape(), later(999))).toBe(true);
    expect(consentCovers(consent({ expiresAt }), shape(), expiresAt)).toBe(false);
    expect(consentCovers(consent({ endedAt: now, endReason: 'revoked' }), shape(), now)).toBe(false);
  });

  it('does not depend on any task id', () => {
    expect(consentCovers(consent(), shape({ taskId: 'anything' }), now)).toBe(true);
  });
});

describe('a task consent ("allow for this task")', () => {
  it('covers an identical request under the same task id', () => {
    expect(consentCovers(taskConsent, taskShape, now)).toBe(true);
  });

  it('never covers another task, or no task', () => {
    expect(consentCovers(taskConsent, { ...taskShape, taskId: 'task-2' }, now)).toBe(false);
    expect(consentCovers(taskConsent, { ...taskShape, taskId: null }, now)).toBe(false);
    // A stored task consent without a task id (tampered) covers nothing, not even a task-less request.
    expect(consentCovers({ ...taskConsent, taskId: null }, { ...taskShape, taskId: null }, now)).toBe(false);
  });

  it('covers only identical requests: no subset, no other tier', () => {
    const two = consent({ scope: 'TASK', taskId: 'task-1', paths: [customers, orders] });
    expect(consentCovers(two, { ...taskShape, paths: [customers] }, now)).toBe(false);
    expect(consentCovers(taskConsent, { ...taskShape, tier: 'DISCOVER' }, now)).toBe(false);
    expect(consentCovers(taskConsent, { ...taskShape, paths: [customers, orders] }, now)).toBe(false);
  });

  it('is still bound to the chain, the intent and what asked', () => {
    expect(consentCovers(taskConsent, { ...taskShape, chain: ['other'] }, now)).toBe(false);
    expect(consentCovers(taskConsent, { ...taskShape, intent: 'finance-close' }, now)).toBe(false);
    expect(consentCovers(taskConsent, { ...taskShape, askedBy: 'rule:other' }, now)).toBe(false);
  });
});

describe('a standing consent lapses', () => {
  const holds: ConsentFacts = {
    stoppedAgents: 0,
    intentUnchanged: true,
    personActive: true,
    askedByNow: 'rule:confirm',
  };
  const asked = { askedBy: 'rule:confirm' };

  it('not while everything it relied on holds', () => {
    expect(consentLapse(asked, holds)).toBeNull();
  });

  it('with any agent of its chain stopped', () => {
    expect(consentLapse(asked, { ...holds, stoppedAgents: 1 })).toBe('agent-stopped');
  });

  it('when the person leaves, when its intent changes', () => {
    expect(consentLapse(asked, { ...holds, personActive: false })).toBe('person-left');
    expect(consentLapse(asked, { ...holds, intentUnchanged: false })).toBe('intent-changed');
  });

  it('when the rule that asked no longer asks, or another rule (or the setting) asks instead', () => {
    expect(consentLapse(asked, { ...holds, askedByNow: null })).toBe('rule-no-longer-applies');
    expect(consentLapse(asked, { ...holds, askedByNow: 'rule:other' })).toBe('rule-no-longer-applies');
    expect(consentLapse(asked, { ...holds, askedByNow: 'sub-agent' })).toBe('rule-no-longer-applies');
  });

  it('names the first reason that holds: a stopped agent before anything else', () => {
    expect(
      consentLapse(asked, {
        stoppedAgents: 2,
        intentUnchanged: false,
        personActive: false,
        askedByNow: null,
      }),
    ).toBe('agent-stopped');
  });
});

describe('whether a request asks the person', () => {
  const rule = (input: Record<string, unknown>): Rule =>
    ruleSchema.parse({ id: 'confirm', description: 'test', ...input });
  const route = (routing: Record<string, unknown>): RuleOutcome => {
    const parsed = rule({ action: 'route', route: routing });
    return { action: 'route', rule: parsed, routing: parsed.route!, matched: ['confirm'] };
  };
  const owners = { approvers: [{ kind: 'owners' }] };
  const approve: RuleOutcome = {
    action: 'approve',
    rule: rule({ action: 'approve', maxDuration: 'PT1H' }),
    maxSeconds: 3600,
    matched: ['confirm'],
  };
  const deny: RuleOutcome = {
    action: 'deny',
    rule: rule({ action: 'deny', reason: 'no' }),
    reason: 'no',
    matched: ['confirm'],
  };
  const subAgents: ConsentSettingsValues = { ...defaultConsentSettings, subAgentRequests: true };

  it('a requester step first of ordered steps: before the approvers', () => {
    expect(
      confirmationAsked(
        route({ ordered: true, steps: [{ requester: true }, owners] }),
        defaultConsentSettings,
        1,
      ),
    ).toEqual({ position: 'before', askedBy: 'rule:confirm' });
  });

  it('a requester step among unordered steps: beside them', () => {
    expect(
      confirmationAsked(route({ steps: [owners, { requester: true }] }), defaultConsentSettings, 1),
    ).toEqual({
      position: 'beside',
      askedBy: 'rule:confirm',
    });
  });

  it('a requester step alone: before (nobody else is asked)', () => {
    expect(confirmationAsked(route({ steps: [{ requester: true }] }), defaultConsentSettings, 1)).toEqual({
      position: 'before',
      askedBy: 'rule:confirm',
    });
  });

  it('a route without a requester step, or an approve rule: not asked, unless through a sub-agent with the setting on', () => {
    expect(confirmationAsked(route({ steps: [owners] }), defaultConsentSettings, 1)).toBeNull();
    expect(confirmationAsked(approve, defaultConsentSettings, 2)).toBeNull();
    expect(confirmationAsked(approve, subAgents, 1)).toBeNull();
    expect(confirmationAsked(approve, subAgents, 2)).toEqual({ position: 'before', askedBy: 'sub-agent' });
    expect(confirmationAsked(route({ steps: [owners] }), subAgents, 3)).toEqual({
      position: 'before',
      askedBy: 'sub-agent',
    });
  });

  it("the rule's own step wins over the setting (the consent stays tied to the rule)", () => {
    expect(confirmationAsked(route({ steps: [owners, { requester: true }] }), subAgents, 2)).toEqual({
      position: 'beside',
      askedBy: 'rule:confirm',
    });
  });

  it('a denial asks nobody, whatever the setting', () => {
    expect(confirmationAsked(deny, subAgents, 2)).toBeNull();
  });

  it('the default routing (no rule matched) asks only through the setting', () => {
    const defaultRoute: RuleOutcome = {
      action: 'route',
      rule: null,
      routing: { ordered: false, steps: [{ approvers: [{ kind: 'owners' }], required: 1 }] },
      matched: [],
    };
    expect(confirmationAsked(defaultRoute, defaultConsentSettings, 2)).toBeNull();
    expect(confirmationAsked(defaultRoute, subAgents, 2)?.askedBy).toBe('sub-agent');
  });
});

describe('route rules with a requester step', () => {
  const routing = (route: Record<string, unknown>) =>
    ruleSchema.safeParse({ id: 'confirm', description: 'test', action: 'route', route }).success;
  const owners = { approvers: [{ kind: 'owners' }] };

  it('refuse a second requester step, and a requester step after approvers in ordered steps', () => {
    expect(routing({ steps: [{ requester: true }, owners] })).toBe(true);
    expect(routing({ steps: [{ requester: true }, { requester: true }] })).toBe(false);
    expect(routing({ ordered: true, steps: [owners, { requester: true }] })).toBe(false);
  });

  it('refuse a requester step that is not literally true or carries approvers', () => {
    expect(routing({ steps: [{ requester: false }, owners] })).toBe(false);
    expect(routing({ steps: [{ requester: true, approvers: [{ kind: 'owners' }] }] })).toBe(false);
  });
});
