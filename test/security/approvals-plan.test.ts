import { describe, expect, it } from 'vitest';
import {
  type ApprovalPlan,
  assignStep,
  planOf,
  planProgress,
} from '../../src/requests/approvals/approval-plan.ts';
import { type Candidate, planFor } from '../../src/requests/approvers.ts';
import type { RequestSnapshot } from '../../src/requests/request-snapshot.ts';
import { routingSchema } from '../../src/requests/rules/rule-schema.ts';

/**
 * The approval arithmetic, attacked directly (pure): who can add what to which step, and when a
 * request counts as approved. The HTTP-level attacks are in approvals-eligibility.test.ts.
 */
const [owner, steward, manager, other] = ['owner', 'steward', 'manager', 'other'];

/** "The owner or a steward AND the manager", for two objects with different owners. */
const plan = (ordered = false): ApprovalPlan => ({
  ordered,
  requester: null,
  approveUpToSeconds: null,
  steps: [
    {
      name: 'owner or steward',
      required: 1,
      objects: [
        { path: 'a', eligible: [owner, steward], governance: false },
        { path: 'b', eligible: [other], governance: false },
      ],
    },
    {
      name: 'manager',
      required: 1,
      objects: [
        { path: 'a', eligible: [manager, owner], governance: false },
        { path: 'b', eligible: [manager, owner], governance: false },
      ],
    },
  ],
});

describe('the approval plan', () => {
  it('an owner and a steward of one object fill one step for that object only', () => {
    const approvals = [
      { approverId: owner, step: 0 },
      { approverId: steward, step: 0 },
    ];
    const progress = planProgress(plan(), approvals);
    expect(progress.approved).toBe(false);
    expect(progress.steps[0]!.objects.map((object) => object.waiting)).toEqual([false, true]);
  });

  it('a person eligible in two steps is placed in the first that needs them, once', () => {
    expect(assignStep(plan(), [], owner)).toEqual({ step: 0 });
    // With the owner step filled for her object, the same person lands in the manager step ...
    expect(assignStep(plan(), [{ approverId: steward, step: 0 }], owner)).toEqual({ step: 1 });
    // ... and her one approval never counts in both.
    const progress = planProgress(plan(), [
      { approverId: owner, step: 1 },
      { approverId: other, step: 0 },
    ]);
    expect(progress.steps.map((step) => step.satisfied)).toEqual([false, true]);
  });

  it('someone who can add nothing is refused with the reason', () => {
    const done = [
      { approverId: owner, step: 0 },
      { approverId: other, step: 0 },
      { approverId: manager, step: 1 },
    ];
    expect(planProgress(plan(), done).approved).toBe(true);
    expect(assignStep(plan(), done, steward)).toEqual({
      refused: expect.stringMatching(/nothing .* waits for you/),
    });
    expect(assignStep(plan(), [], 'stranger')).toEqual({ refused: expect.stringMatching(/nothing/) });
  });

  it('ordered steps take no approval for a later step before the earlier one is done', () => {
    expect(assignStep(plan(true), [], manager)).toEqual({
      refused: expect.stringMatching(/step "owner or steward" comes first/),
    });
    const first = [
      { approverId: steward, step: 0 },
      { approverId: other, step: 0 },
    ];
    expect(assignStep(plan(true), first, manager)).toEqual({ step: 1 });
  });

  it('an object with nobody eligible is never approved by others’ approvals', () => {
    const stuck: ApprovalPlan = {
      ordered: false,
      requester: null,
      approveUpToSeconds: null,
      steps: [{ name: null, required: 1, objects: [{ path: 'a', eligible: [], governance: true }] }],
    };
    expect(planProgress(stuck, [{ approverId: owner, step: 0 }]).approved).toBe(false);
  });

  it('a stored plan that was tampered into a bad shape is refused, not trusted', () => {
    expect(() =>
      planOf({
        approvalPlan: { ordered: false, steps: [{ name: null, required: 0, objects: [] }] },
        paths: ['a'],
        eligibleApproverIds: [],
        requiredApprovals: 1,
      }),
    ).toThrow();
  });
});

describe('route rules', () => {
  it('read the requiredApprovals shorthand as one step', () => {
    expect(
      routingSchema.parse({ approvers: [{ kind: 'owners' }, { kind: 'manager' }], requiredApprovals: 2 }),
    ).toEqual({
      ordered: false,
      steps: [{ approvers: [{ kind: 'owners' }, { kind: 'manager' }], required: 2 }],
    });
  });

  it('refuse ordered without steps, and a route that names nobody', () => {
    expect(routingSchema.safeParse({ approvers: [{ kind: 'owners' }], ordered: true }).success).toBe(false);
    expect(routingSchema.safeParse({ maxDuration: 'PT1H' }).success).toBe(false);
    expect(routingSchema.safeParse({ steps: [] }).success).toBe(false);
    expect(
      routingSchema.safeParse({ steps: [{ approvers: [{ kind: 'owners' }], required: 0 }] }).success,
    ).toBe(false);
  });
});

describe('planning who approves', () => {
  const snapshot: RequestSnapshot = {
    human: {
      id: 'ana',
      name: 'Ana',
      email: 'ana@x.test',
      department: null,
      region: null,
      title: null,
      groups: [],
      manager: 'max@x.test',
      attributes: {},
    },
    resources: [
      {
        id: 'd1',
        path: 'a.b.c',
        kind: 'dataset',
        tags: [],
        domain: null,
        sensitivity: 'INTERNAL',
        ownerEmail: 'max@x.test',
        stewardEmails: [],
      },
    ],
  };
  const people: Candidate[] = [
    { id: 'max', email: 'max@x.test', groups: [] },
    { id: 'gina', email: 'gina@x.test', groups: ['governance'] },
  ];
  const ownerAndManager = routingSchema.parse({
    steps: [{ approvers: [{ kind: 'owners' }] }, { approvers: [{ kind: 'manager' }] }],
  });

  it('the owner who is also the manager fills one step; governance stands in for the other, so the request is never stuck', () => {
    const planned = planFor(ownerAndManager, snapshot, people, {
      governanceGroup: 'governance',
      escalated: false,
    });
    expect(planned.steps.map((step) => step.objects[0])).toEqual([
      { path: 'a.b.c', eligible: ['max'], governance: false },
      { path: 'a.b.c', eligible: ['gina', 'max'], governance: true },
    ]);
    const afterMax = [{ approverId: 'max', step: 0 }];
    expect(assignStep(planned, afterMax, 'gina')).toEqual({ step: 1 });
    expect(planProgress(planned, [...afterMax, { approverId: 'gina', step: 1 }]).approved).toBe(true);
  });
});
