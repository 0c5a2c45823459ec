import { describe, expect, it } from 'vitest';
import { answeredMessage, requestedWhat } from '../../console/src/pages/my-agents/consent-answer.ts';
import { notMeFacts } from '../../console/src/pages/overview/not-me-facts.ts';
import { consentLabel } from '../../console/src/ui/consent-label.ts';

// The console's consent pages keep their words and their reading of audit payloads in pure functions.

describe("a request's consent badge", () => {
  it("says whose confirmation it waits for: the viewer's own, or the person's", () => {
    expect(consentLabel({ state: 'WAITING' }, 'Ana Souza')).toEqual({
      text: "waiting for Ana Souza's confirmation",
      tone: 'warn',
      detail: 'Ana Souza must confirm that they asked for it.',
    });
    expect(consentLabel({ state: 'WAITING' }, null)?.text).toBe('waiting for your confirmation');
  });

  it('says how it was confirmed, or that the person said "not me"', () => {
    expect(consentLabel({ state: 'GIVEN', answer: 'ALWAYS' }, 'Ana Souza')).toEqual({
      text: 'confirmed',
      tone: 'good',
      detail: 'Confirmed by Ana Souza (always for this agent).',
    });
    expect(consentLabel({ state: 'GIVEN', answer: 'ONCE' }, null)?.detail).toBe(
      'Confirmed by you (allowed once).',
    );
    expect(consentLabel({ state: 'REFUSED', answer: 'NOT_ME' }, 'Ana Souza')).toMatchObject({
      text: 'not me',
      tone: 'bad',
    });
  });

  it('shows nothing when no rule asked the person', () => {
    expect(consentLabel({ state: 'NOT_ASKED' }, 'Ana Souza')).toBeNull();
  });
});

describe('what the person is told after answering', () => {
  const request = { agentName: 'Churn analyst', what: requestedWhat('READ', ['analytics.marts.customers']) };

  it('names what the agent may now do, or that it goes on to the approvers', () => {
    expect(answeredMessage('ONCE', { status: 'APPROVED', delegationRevoked: false }, request)).toBe(
      'Allowed once: Churn analyst may now read analytics.marts.customers.',
    );
    expect(answeredMessage('TASK', { status: 'PENDING', delegationRevoked: false }, request)).toBe(
      "Allowed for this task: Churn analyst's request to read analytics.marts.customers now goes to its approvers. You can revoke it under Standing consents.",
    );
    expect(
      answeredMessage('ALWAYS', { status: 'APPROVED', delegationRevoked: false }, { ...request, days: 7 }),
    ).toBe(
      'Always for Churn analyst, for 7 days: Churn analyst may now read analytics.marts.customers. You can revoke it under Standing consents.',
    );
  });

  it('says "not me" denied it, alerted governance, and whether the delegation was taken back', () => {
    expect(answeredMessage('NOT_ME', { status: 'DENIED', delegationRevoked: false }, request)).toBe(
      'Denied: Churn analyst may not read analytics.marts.customers. Governance has been alerted that you did not ask for it.',
    );
    expect(answeredMessage('NOT_ME', { status: 'DENIED', delegationRevoked: true }, request)).toContain(
      'The delegation you gave Churn analyst was taken back at once.',
    );
  });

  it('counts objects when there are several', () => {
    expect(requestedWhat('DISCOVER', ['a.b.c', 'a.b.d'])).toBe('discover 2 objects');
  });
});

describe('a "not me" security event', () => {
  it('reads what the payload says', () => {
    expect(
      notMeFacts({
        agentId: 'agent-1',
        chain: ['agent-1'],
        taskId: 'board-review',
        paths: ['analytics.marts.customers'],
        tier: 'READ',
        justification: 'Weekly export',
        tokenId: 'token-1',
        revokeDelegation: true,
      }),
    ).toEqual({
      paths: ['analytics.marts.customers'],
      tier: 'READ',
      taskId: 'board-review',
      justification: 'Weekly export',
      delegationRevoked: true,
    });
  });

  it('reads anything else as nothing known, never as a revoked delegation', () => {
    expect(notMeFacts(null)).toEqual({
      paths: [],
      tier: null,
      taskId: null,
      justification: null,
      delegationRevoked: false,
    });
    expect(notMeFacts({ paths: ['x', 3], revokeDelegation: 'yes' })).toMatchObject({
      paths: ['x'],
      delegationRevoked: false,
    });
  });
});
