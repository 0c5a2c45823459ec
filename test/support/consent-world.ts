import { beforeAll, expect } from 'vitest';
import type { RuleInput } from '../../src/requests/rules/rule-schema.ts';
import { exchangeToken } from './oauth-client.ts';
import { type RequestTestWorld, requestAccessMutation, requestFields } from './requests-fixture.ts';

/**
 * The consent world (issue 19), on the request company's shop catalog:
 * - Bob's requests are approved at once by a rule (only governance's sub-agent setting asks him);
 * - staging orders (owner Dana): Ana confirms first, then the owner approves (ordered steps);
 * - staging customers (owner Dana): Ana confirms beside the owner (unordered steps);
 * - the marts, for the finance department: only the person confirms, then the rule approves it.
 */
export const stagingOrders = 'analytics.staging.stg_orders';
export const stagingCustomers = 'analytics.staging.stg_customers';
export const customers = 'analytics.marts.customers';
export const orders = 'analytics.marts.fct_orders';

export const consentRules: RuleInput[] = [
  {
    id: 'bob-approved',
    description: "Bob's requests are approved for 30 minutes",
    when: { human: { conditions: [{ attribute: 'email', op: 'equals', value: 'bob@acme.test' }] } },
    action: 'approve',
    maxDuration: 'PT30M',
  },
  {
    id: 'confirm-then-owner',
    description: 'The person confirms, then the owner approves',
    when: { resources: { paths: [stagingOrders] } },
    action: 'route',
    route: {
      ordered: true,
      steps: [{ requester: true }, { name: 'owner', approvers: [{ kind: 'owners' }] }],
    },
  },
  {
    id: 'confirm-beside-owner',
    description: 'The person confirms while the owner decides',
    when: { resources: { paths: [stagingCustomers] } },
    action: 'route',
    route: { steps: [{ name: 'owner', approvers: [{ kind: 'owners' }] }, { requester: true }] },
  },
  {
    id: 'finance-confirms-marts',
    description: 'Finance reads the marts for two hours once the person confirms',
    when: {
      human: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
      resources: { paths: ['analytics.marts.*'] },
    },
    action: 'route',
    route: { steps: [{ requester: true }], maxDuration: 'PT2H' },
  },
];

/** Replaces the request company's rules with `rules`, through the governance API. */
export function useConsentRules(t: RequestTestWorld, rules: RuleInput[] = consentRules): void {
  beforeAll(async () => {
    const applied = await t.world.governance.run(
      'mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }',
      { rules },
    );
    expect(applied.errors).toBeUndefined();
  });
}

export const consentFields = 'consent { state answer answeredAt position } viewerCanConfirm';

export interface FiledRequest {
  id: string;
  status: string;
  ruleId: string | null;
  decidedBy: string | null;
  reason: string | null;
  grant: { id: string; status: string; expiresAt: string } | null;
  consent: { state: string; answer: string | null; answeredAt: string | null; position: string | null };
}

/** Files a READ request with an agent's token; fails the test on any error. */
export async function fileRequest(
  t: RequestTestWorld,
  token: string,
  paths: string[],
  input: Record<string, unknown> = {},
): Promise<FiledRequest> {
  const filed = await t.world.gql<{ requestAccess: { request: FiledRequest } }>(
    token,
    requestAccessMutation.replace(requestFields, `${requestFields} ${consentFields}`),
    { input: { paths, tier: 'READ', justification: 'Quarterly churn review', duration: 'PT1H', ...input } },
  );
  if (!filed.data) throw new Error(JSON.stringify(filed.errors));
  return filed.data.requestAccess.request;
}

export const confirmMutation = `mutation ($input: ConfirmAccessRequestInput!) {
  confirmAccessRequest(input: $input) {
    delegationRevoked
    request { id status decidedBy reason grant { id status expiresAt } ${consentFields} }
    standingConsent { id scope intent taskId paths tier askedBy uses expiresAt }
  }
}`;

export interface Confirmed {
  confirmAccessRequest: {
    delegationRevoked: boolean;
    request: FiledRequest & { viewerCanConfirm: boolean };
    standingConsent: {
      id: string;
      scope: string;
      intent: string;
      taskId: string | null;
      paths: string[];
      tier: string;
      askedBy: string;
      uses: number;
      expiresAt: string;
    } | null;
  };
}

/** `token`'s holder answers request `requestId` (ONCE, TASK, ALWAYS or NOT_ME). */
export function confirmWith(
  t: RequestTestWorld,
  token: string,
  requestId: string,
  answer: string,
  extra: Record<string, unknown> = {},
) {
  return t.world.gql<Confirmed>(token, confirmMutation, { input: { requestId, answer, ...extra } });
}

/** The person (their own token) answers. */
export async function confirmAs(
  t: RequestTestWorld,
  email: string,
  requestId: string,
  answer: string,
  extra: Record<string, unknown> = {},
) {
  return confirmWith(t, await t.world.humanToken(email), requestId, answer, extra);
}

/** An approver (their own token) approves. */
export async function approveAs(t: RequestTestWorld, email: string, requestId: string) {
  return t.world.gql<{ approveAccessRequest: { status: string; approvals: number } }>(
    await t.world.humanToken(email),
    'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status approvals } }',
    { input: { requestId } },
  );
}

/** The person takes back the grant a request made, so that its chain may ask for the same again. */
export async function revokeGrantOf(t: RequestTestWorld, email: string, requestId: string): Promise<void> {
  const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId } });
  const revoked = await t.world.gql(
    await t.world.humanToken(email),
    'mutation ($id: ID!) { revokeGrant(id: $id, reason: "asking again") { status } }',
    { id: grant.id },
  );
  expect(revoked.errors).toBeUndefined();
}

export const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

export type AgentClient = { clientId: string; clientSecret: string };

/** Registers an agent of one's own (Ana owns it), for chains and intents the world's agents lack. */
export function registerAgent(t: RequestTestWorld, name: string, extra: Record<string, unknown> = {}) {
  return t.world.governance.registerAgent({
    name,
    ownerEmail: 'ana@acme.test',
    allowedIntents: ['analytics'],
    maxDelegationDepth: 3,
    ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
    ...extra,
  });
}

/** A delegation token of `agent` acting for `email` (or, with `parentToken`, a sub-agent's hop). */
export async function delegate(
  t: RequestTestWorld,
  agent: AgentClient,
  options: { email?: string; parentToken?: string; intent?: string; taskId?: string },
): Promise<string> {
  const subject = options.parentToken ?? (await t.idp.subjectToken(options.email ?? 'ana@acme.test'));
  const exchanged = await exchangeToken(t.world.service.url, agent, {
    subject_token: subject,
    ...(options.parentToken ? {} : { intent: options.intent ?? 'analytics' }),
    ...(options.taskId ? { task_id: options.taskId } : {}),
  });
  if (!exchanged.body.access_token) throw new Error(JSON.stringify(exchanged.body));
  return exchanged.body.access_token;
}

/** The audit events about a subject, oldest first, as type and payload. */
export async function auditOf(t: RequestTestWorld, subjectId: string) {
  const events = await t.db.prisma.auditEvent.findMany({ where: { subjectId }, orderBy: { id: 'asc' } });
  return events.map((event) => {
    // The door it came through is recorded on every event; these tests look at what happened.
    const { via: _via, ...payload } = event.payload as Record<string, unknown>;
    return { type: event.type, actorHumanId: event.actorHumanId, actorChain: event.actorChain, payload };
  });
}

export const personId = async (t: RequestTestWorld, email: string) =>
  (await t.db.prisma.person.findUniqueOrThrow({ where: { email } })).id;
