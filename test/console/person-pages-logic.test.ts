import { describe, expect, it } from 'vitest';
import { durationInputOf, isoDuration, parseDurationInput } from '../../console/src/pages/inbox/duration.ts';
import { bucketLabel, statsWindow } from '../../console/src/pages/overview/stats-range.ts';
import { statsTotals } from '../../console/src/pages/overview/stats-totals.ts';
import { describeDecider } from '../../console/src/ui/decider.ts';

// My agents, the Inbox and the Overview keep their logic in pure functions: these are those functions.

describe("the approver's duration", () => {
  it('starts at the requested duration, in hours and minutes', () => {
    expect(durationInputOf(7_200)).toEqual({ hours: '2', minutes: '0' });
    expect(durationInputOf(5_400)).toEqual({ hours: '1', minutes: '30' });
    expect(durationInputOf(20)).toEqual({ hours: '0', minutes: '1' });
  });

  it('reads whole hours and minutes, an empty box as zero', () => {
    expect(parseDurationInput({ hours: '2', minutes: '30' })).toEqual({ seconds: 9_000 });
    expect(parseDurationInput({ hours: '', minutes: '45' })).toEqual({ seconds: 2_700 });
    expect(parseDurationInput({ hours: '8760', minutes: '' })).toEqual({ seconds: 31_536_000 });
  });

  it('says what is wrong with anything else', () => {
    expect(parseDurationInput({ hours: '0', minutes: '0' })).toEqual({
      problem: 'Give at least one minute.',
    });
    expect(parseDurationInput({ hours: '1.5', minutes: '0' })).toEqual({
      problem: 'Hours must be a whole number, 0 or more.',
    });
    expect(parseDurationInput({ hours: '-1', minutes: '0' })).toEqual({
      problem: 'Hours must be a whole number, 0 or more.',
    });
    expect(parseDurationInput({ hours: '1', minutes: '60' })).toEqual({
      problem: 'Minutes must be a whole number from 0 to 59.',
    });
    expect(parseDurationInput({ hours: '8760', minutes: '1' })).toEqual({
      problem: 'Give at most a year (8760 hours).',
    });
  });

  it('is sent as ISO 8601', () => {
    expect([60, 3_600, 9_000, 86_400].map(isoDuration)).toEqual(['PT1M', 'PT1H', 'PT2H30M', 'PT24H']);
  });
});

describe("the overview's windows", () => {
  const now = new Date('2026-12-06T07:42:10Z');

  it('ends with the current day or hour, in whole UTC buckets', () => {
    expect(statsWindow('days', now)).toEqual({
      from: '2026-11-07T00:00:00.000Z',
      to: '2026-12-07T00:00:00.000Z',
    });
    expect(statsWindow('hours', now)).toEqual({
      from: '2026-12-04T08:00:00.000Z',
      to: '2026-12-06T08:00:00.000Z',
    });
  });

  it('labels buckets for the axis and the table', () => {
    expect(bucketLabel('days', '2026-12-06T00:00:00.000Z')).toBe('Dec 6');
    expect(bucketLabel('hours', '2026-12-06T07:00:00.000Z')).toBe('07:00');
    expect(bucketLabel('hours', '2026-12-06T07:00:00.000Z', true)).toBe('Dec 6, 07:00 UTC');
  });

  it('sums the buckets, and the share rules decided among the decided ones', () => {
    const bucket = {
      filed: 0,
      autoApproved: 0,
      autoDenied: 0,
      humanApproved: 0,
      humanDenied: 0,
      expired: 0,
      cancelled: 0,
    };
    expect(
      statsTotals([
        { ...bucket, start: 'a', filed: 5, autoApproved: 3, humanDenied: 1, expired: 1 },
        { ...bucket, start: 'b', filed: 3, autoDenied: 1, humanApproved: 3, cancelled: 1 },
      ]),
    ).toEqual({
      filed: 8,
      autoApproved: 3,
      autoDenied: 1,
      humanApproved: 3,
      humanDenied: 1,
      expired: 1,
      cancelled: 1,
      decided: 8,
      automatedShare: 0.5,
    });
    expect(statsTotals([{ ...bucket, start: 'a', filed: 2 }]).automatedShare).toBeNull();
  });
});

describe('who decided a request', () => {
  const approvedBy = (people: { email: string; name: string }[]) => [{ objects: [{ approvedBy: people }] }];
  const lucas = { email: 'lucas@acme.example', name: 'Lucas Moreau' };
  const emily = { email: 'emily@acme.example', name: 'Emily Chen' };

  it('names the rule, the approvers, the expiry or the withdrawal', () => {
    expect(
      describeDecider({ status: 'APPROVED', decidedBy: 'rule:finance', approvalSteps: [], decider: null }),
    ).toBe('automatically, by the rule finance');
    expect(
      describeDecider({
        status: 'APPROVED',
        decidedBy: 'person:1',
        decider: 'Lucas Moreau',
        approvalSteps: approvedBy([lucas, emily]),
      }),
    ).toBe('Lucas Moreau, Emily Chen');
    expect(
      describeDecider({ status: 'EXPIRED', decidedBy: 'system:expiry', approvalSteps: [], decider: null }),
    ).toBe('nobody decided in time');
    expect(
      describeDecider({ status: 'CANCELLED', decidedBy: 'agent:1', approvalSteps: [], decider: null }),
    ).toBe('withdrawn by the agent');
  });

  it('names the person who denied, or you when the viewer did', () => {
    const denied = {
      status: 'DENIED',
      decidedBy: 'person:2',
      decider: 'Ines Costa',
      approvalSteps: approvedBy([emily]),
    };
    expect(describeDecider(denied)).toBe('Ines Costa');
    expect(describeDecider(denied, { email: lucas.email, decided: true })).toBe('you');
    // Emily approved a step before someone else denied it: her history does not say she denied it.
    expect(describeDecider(denied, { email: emily.email, decided: true })).toBe('Ines Costa');
    // An agent is not told who: the API says an approver.
    expect(describeDecider({ ...denied, decider: 'an approver' })).toBe('an approver');
  });

  it('says "you" for the viewer among the approvers, and when their approval waits for others', () => {
    const viewer = { email: lucas.email, decided: true };
    expect(
      describeDecider(
        {
          status: 'APPROVED',
          decidedBy: 'person:1',
          decider: 'Lucas Moreau',
          approvalSteps: approvedBy([lucas, emily]),
        },
        viewer,
      ),
    ).toBe('you, Emily Chen');
    expect(
      describeDecider(
        { status: 'PENDING', decidedBy: null, decider: null, approvalSteps: approvedBy([lucas]) },
        viewer,
      ),
    ).toBe('you approved; it waits for other approvers');
  });
});
