import { beforeAll, expect } from 'vitest';
import type { RuleInput } from '../../../src/requests/rules/rule-schema.ts';
import { type RequestTestWorld, requestAccessMutation } from '../../support/requests-fixture.ts';

/**
 * Rules the approval attacks run against (the shop catalog of the request company):
 * - the marts go to their owners (customers: Dana, orders: Omar), one approval per object;
 * - staging customers needs "the owner or a steward AND the human's manager" (two steps);
 * - staging orders needs its owner first, then the manager (ordered steps);
 * - Bob's requests for the orders mart need two distinct members of `approvers`;
 * - Bob's requests for staging orders need its owner, then (another) member of `owners`; for the
 *   customers mart the same, and governance may approve in either step after an hour.
 */
export const approvalRules: RuleInput[] = [
  {
    id: 'bob-orders-quorum',
    description: 'Two distinct members of approvers',
    when: {
      human: { conditions: [{ attribute: 'email', op: 'equals', value: 'bob@acme.test' }] },
      resources: { paths: ['analytics.marts.fct_orders'] },
    },
    action: 'route',
    route: { approvers: [{ kind: 'group', group: 'approvers' }], requiredApprovals: 2 },
  },
  {
    id: 'bob-staging-orders-two-steps',
    description: 'The owner, and another member of the owners group',
    when: {
      human: { conditions: [{ attribute: 'email', op: 'equals', value: 'bob@acme.test' }] },
      resources: { paths: ['analytics.staging.stg_orders'] },
    },
    action: 'route',
    route: {
      steps: [
        { name: 'owner', approvers: [{ kind: 'owners' }] },
        { name: 'owners group', approvers: [{ kind: 'group', group: 'owners' }] },
      ],
    },
  },
  {
    id: 'bob-manager-step',
    description: "The owner and the human's manager (Bob has none: governance stands in)",
    when: {
      human: { conditions: [{ attribute: 'email', op: 'equals', value: 'bob@acme.test' }] },
      resources: { paths: ['analytics.staging.stg_customers'] },
    },
    action: 'route',
    route: {
      steps: [
        { name: 'owner', approvers: [{ kind: 'owners' }] },
        { name: 'manager', approvers: [{ kind: 'manager' }] },
      ],
    },
  },
  {
    id: 'bob-customers-escalates',
    description: 'The owner and another member of owners; governance too after an hour',
    when: {
      human: { conditions: [{ attribute: 'email', op: 'equals', value: 'bob@acme.test' }] },
      resources: { paths: ['analytics.marts.customers'] },
    },
    action: 'route',
    route: {
      steps: [
        { name: 'owner', approvers: [{ kind: 'owners' }] },
        { name: 'owners group', approvers: [{ kind: 'group', group: 'owners' }] },
      ],
      escalation: { after: 'PT1H', to: [{ kind: 'group', group: 'governance' }] },
    },
  },
  {
    id: 'priya-two-owners',
    description: 'Two owners of each object (the customers mart has one: governance joins)',
    when: {
      human: { conditions: [{ attribute: 'email', op: 'equals', value: 'priya@shop.example' }] },
      resources: { paths: ['analytics.marts.customers'] },
    },
    action: 'route',
    route: { steps: [{ name: 'two owners', approvers: [{ kind: 'owners' }], required: 2 }] },
  },
  {
    id: 'marts-to-owners',
    description: 'Each mart object needs one approval from its owner',
    when: { resources: { paths: ['analytics.marts.*'] } },
    action: 'route',
    route: { approvers: [{ kind: 'owners' }] },
  },
  {
    id: 'owner-or-steward-and-manager',
    description: "The owner or a steward, and the human's manager",
    when: { resources: { paths: ['analytics.staging.stg_customers'] } },
    action: 'route',
    route: {
      steps: [
        { name: 'owner or steward', approvers: [{ kind: 'owners' }, { kind: 'stewards' }], required: 1 },
        { name: 'manager', approvers: [{ kind: 'manager' }], required: 1 },
      ],
    },
  },
  {
    id: 'owner-then-manager',
    description: "The owner first, then the human's manager",
    when: { resources: { paths: ['analytics.staging.stg_orders'] } },
    action: 'route',
    route: {
      ordered: true,
      steps: [
        { name: 'owner', approvers: [{ kind: 'owners' }] },
        { name: 'manager', approvers: [{ kind: 'manager' }] },
      ],
    },
  },
];

/** Replaces the request company's rules with `approvalRules`, through the governance API. */
export function useApprovalRules(t: RequestTestWorld): void {
  beforeAll(async () => {
    const applied = await t.world.governance.run(
      'mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }',
      { rules: approvalRules },
    );
    expect(applied.errors).toBeUndefined();
  });
}

export const decideMutation = (verb: 'approve' | 'deny') =>
  `mutation ($input: DecideAccessRequestInput!) { ${verb}AccessRequest(input: $input) { id status approvals } }`;

export interface Pending {
  id: string;
  status: string;
  token: string;
}

let agentNumber = 0;

/** Files a READ request as a fresh agent chain of `email` (so earlier grants never interfere). */
export async function fileRequest(
  t: RequestTestWorld,
  email: string,
  paths: string[],
  duration = 'PT1H',
): Promise<Pending> {
  agentNumber += 1;
  const token = await t.world.agentToken(email, { agent: `Approvals agent ${agentNumber}` });
  const filed = await t.world.gql<{ requestAccess: { request: { id: string; status: string } } }>(
    token,
    requestAccessMutation,
    { input: { paths, tier: 'READ', justification: 'Looking into the attack surface', duration } },
  );
  if (!filed.data) throw new Error(JSON.stringify(filed.errors));
  return { ...filed.data.requestAccess.request, token };
}

/** A human (their own token) approves or denies through the API. */
export async function decideAs(
  t: RequestTestWorld,
  email: string,
  verb: 'approve' | 'deny',
  requestId: string,
  extra: Record<string, unknown> = {},
) {
  return t.world.gql<Record<string, { id: string; status: string; approvals: number }>>(
    await t.world.humanToken(email),
    decideMutation(verb),
    { input: { requestId, ...(verb === 'deny' ? { reason: 'not for this' } : {}), ...extra } },
  );
}

/** The tier a chain's token sees a dataset at (null: hidden). */
export async function tierOf(t: RequestTestWorld, token: string, path: string): Promise<string | null> {
  const result = await t.world.gql<{ dataset: { tier: string } | null }>(
    token,
    'query ($path: String!) { dataset(path: $path) { tier } }',
    { path },
  );
  return result.data?.dataset?.tier ?? null;
}

export const statusOf = async (t: RequestTestWorld, requestId: string) =>
  (await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: requestId } })).status;
