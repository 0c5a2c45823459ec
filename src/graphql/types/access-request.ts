import type { AccessRequest } from '../../../generated/prisma/client.ts';
import { AccessRequestStatus } from '../../../generated/prisma/enums.ts';
import { newestFirstCursor } from '../../db/keyset-page.ts';
import {
  type ApprovalStepView,
  type ApproverView,
  type StepObjectView,
  showsApprovers,
} from '../../requests/approvals/approval-status.ts';
import type { FiledRequest } from '../../requests/file-request.ts';
import type { requestRoles } from '../../requests/request-lists.ts';
import type { RequestSnapshot, ResourceSnapshot } from '../../requests/request-snapshot.ts';
import type { SimilarDecisions } from '../../requests/similar-decisions.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { agentChain } from './agent-chain.ts';
import { SensitivityEnum } from './enums.ts';
import { GrantRef, GrantScopeEnum } from './grant.ts';
import { TierEnum } from './intent.ts';
import { keysetConnection } from './pagination.ts';
import { AgentIdentityRef } from './viewer.ts';

const AccessRequestStatusEnum = builder.enumType('AccessRequestStatus', {
  description: 'PENDING until decided once: APPROVED (a grant exists), DENIED, EXPIRED or CANCELLED.',
  values: Object.values(AccessRequestStatus),
});

const ApproverRef = builder.objectRef<ApproverView>('Approver').implement({
  description: 'A person who may approve (or approved) an object in a step.',
  fields: (t) => ({ name: t.exposeString('name'), email: t.exposeString('email') }),
});

const ApprovalStepObjectRef = builder.objectRef<StepObjectView>('ApprovalStepObject').implement({
  description: 'One requested object in one approval step.',
  fields: (t) => ({
    path: t.exposeString('path'),
    approvals: t.exposeInt('approvals', {
      description: 'Approvals counted for this object in this step (from people eligible for it).',
    }),
    waiting: t.exposeBoolean('waiting', { description: 'Fewer approvals than the step requires.' }),
    approvers: t.expose('approvers', {
      type: [ApproverRef],
      nullable: true,
      description: 'Who may approve it in this step. Shown to humans only; null for agents.',
    }),
    approvedBy: t.expose('approvedBy', {
      type: [ApproverRef],
      nullable: true,
      description: 'Who approved it in this step. Shown to humans only; null for agents.',
    }),
  }),
});

const ApprovalStepRef = builder.objectRef<ApprovalStepView>('ApprovalStep').implement({
  description:
    'A step of the routing rule: it is satisfied when every requested object has `required` distinct approvals from people eligible for that object; the request is approved when every step is.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    required: t.exposeInt('required', { description: 'Distinct approvals each object needs in this step.' }),
    satisfied: t.exposeBoolean('satisfied'),
    open: t.exposeBoolean('open', {
      description: 'Approvals count in this step now (with ordered steps, only the first unsatisfied one).',
    }),
    objects: t.expose('objects', { type: [ApprovalStepObjectRef] }),
  }),
});

const AccessRequestRoleEnum = builder.enumType('AccessRequestRole', {
  description: "A person's part in a request.",
  values: {
    REQUESTED_FOR_ME: { description: 'Made by an agent acting for me.' },
    AWAITING_MY_DECISION: {
      description:
        'Pending, not past its time, I am one of its approvers and have not approved it (viewerCanApprove says whether my approval would count now).',
    },
    DECIDED_BY_ME: { description: 'I approved or denied it.' },
  } satisfies Record<(typeof requestRoles)[number], { description: string }>,
});

const snapshotOf = (request: AccessRequest) => request.snapshot as unknown as RequestSnapshot;

const RequestedObjectKindEnum = builder.enumType('RequestedObjectKind', {
  values: {
    DATASET: { value: 'dataset' },
    COLUMN: { value: 'column' },
    METRIC: { value: 'metric' },
    GLOSSARY_TERM: { value: 'glossary' },
  } as const,
});

interface ObjectOwner {
  email: string;
  steward: boolean;
}

const RequestedObjectOwnerRef = builder.objectRef<ObjectOwner>('RequestedObjectOwner').implement({
  description: 'An owner or steward of a requested object, as the request recorded them.',
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.string({
      nullable: true,
      description: 'From the people store; null: nobody known has this address.',
      resolve: async (owner, _args, { identity }) =>
        (await identity.state.person({ email: owner.email }))?.name ?? null,
    }),
    steward: t.exposeBoolean('steward', { description: 'A steward rather than the owner.' }),
  }),
});

const RequestedObjectRef = builder.objectRef<ResourceSnapshot>('RequestedObject').implement({
  description:
    'A requested object as it was when the request was made (its snapshot): what the approvers decide on.',
  fields: (t) => ({
    path: t.exposeString('path'),
    kind: t.field({ type: RequestedObjectKindEnum, resolve: (object) => object.kind }),
    sensitivity: t.expose('sensitivity', { type: SensitivityEnum }),
    tags: t.exposeStringList('tags'),
    domain: t.exposeString('domain', { nullable: true }),
    owners: t.field({
      type: [RequestedObjectOwnerRef],
      nullable: true,
      description:
        'Its owner, then its stewards. Shown to people only (they are often its approvers); null for agents.',
      resolve: (object, _args, { viewer }) =>
        showsApprovers(viewer)
          ? [
              ...(object.ownerEmail ? [{ email: object.ownerEmail, steward: false }] : []),
              ...object.stewardEmails.map((email) => ({ email, steward: true })),
            ]
          : null,
    }),
  }),
});

const RequestHumanRef = builder.objectRef<RequestSnapshot['human']>('RequestHuman').implement({
  description: 'The person a request was made for, as they were when it was made.',
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email'),
    title: t.exposeString('title', { nullable: true }),
    department: t.exposeString('department', { nullable: true }),
  }),
});

const SimilarDecisionsRef = builder.objectRef<SimilarDecisions>('SimilarDecisions').implement({
  description:
    'How people decided other requests for any of the same objects at the same tier (rules not counted).',
  fields: (t) => ({ approved: t.exposeInt('approved'), denied: t.exposeInt('denied') }),
});

export const AccessRequestRef = builder.objectRef<AccessRequest>('AccessRequest').implement({
  description: "An agent's just-in-time request for more than its slice, and its decision.",
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: AccessRequestStatusEnum }),
    paths: t.exposeStringList('paths', { description: 'Catalog paths; glossary terms as glossary:<name>.' }),
    tier: t.expose('tier', { type: TierEnum }),
    scope: t.expose('scope', { type: GrantScopeEnum }),
    justification: t.exposeString('justification'),
    requestedDurationSeconds: t.exposeInt('requestedDurationSeconds'),
    intent: t.exposeString('intent'),
    taskId: t.exposeString('taskId', { nullable: true }),
    agentChain: t.stringList({
      description: 'Client ids of the agents, from the one the human delegated to down to the requester.',
      resolve: async (request, _args, { identity }) => {
        const snapshot = await identity.state.snapshot();
        return request.chain.map((id) => snapshot.agentsById.get(id)?.clientId ?? id);
      },
    }),
    agents: t.field({
      type: [AgentIdentityRef],
      description: 'The agent chain, from the one the human delegated to down to the requester.',
      resolve: (request, _args, { identity }) => agentChain(identity, request.chain),
    }),
    human: t.field({
      type: RequestHumanRef,
      description: 'The person it was made for, as they were when it was made.',
      resolve: (request) => snapshotOf(request).human,
    }),
    objects: t.field({
      type: [RequestedObjectRef],
      description: 'Each requested object as it was when the request was made, in the order of paths.',
      resolve: (request) => snapshotOf(request).resources,
    }),
    similarDecisions: t.field({
      type: SimilarDecisionsRef,
      nullable: true,
      description:
        'How people decided earlier requests for any of the same objects at the same tier. Only for a person who may decide this request now (viewerCanDecide) or governance; null to anyone else, agents included.',
      resolve: (request, _args, { requests, viewer }) => requests.similarDecisions(viewer, request),
    }),
    viewerCanDecide: t.boolean({
      description:
        'Whether a decision by the caller would be taken now: a pending request, the caller a person among its approvers (never the one it is for). Any of them may deny it; see viewerCanApprove.',
      resolve: (request, _args, { requests, viewer }) => requests.viewerCanDecide(viewer, request),
    }),
    viewerCanApprove: t.boolean({
      description:
        "Whether the caller's approval would count now: they may decide it, have not approved it yet, and an object they may approve waits in an open step.",
      resolve: (request, _args, { requests, viewer }) => requests.viewerCanApprove(viewer, request),
    }),
    humanEmail: t.string({
      resolve: async (request, _args, { identity }) =>
        (await identity.state.person({ id: request.humanId }))?.email ?? '',
    }),
    ruleId: t.exposeString('ruleId', {
      nullable: true,
      description: 'The rule that decided or routed it; null: no rule matched (routed to the owners).',
    }),
    decider: t.string({
      nullable: true,
      description:
        "Who decided, in words: a person's name (`an approver` when an agent asks), `rule <id>`, `the agent` (it cancelled) or `expiry`; null while pending.",
      resolve: (request, _args, { requests, viewer }) => requests.deciders.of(viewer, request.decidedBy),
    }),
    decidedBy: t.exposeString('decidedBy', {
      nullable: true,
      description: 'rule:<id>, person:<id>, agent:<id> (cancelled) or system:expiry.',
    }),
    reason: t.exposeString('decisionReason', { nullable: true }),
    approvals: t.int({
      description: 'Distinct approvals so far.',
      resolve: async (request, _args, { requests }) => requests.approvalCount(request),
    }),
    requiredApprovals: t.exposeInt('requiredApprovals', {
      description:
        'The fewest distinct approvals the steps need (the sum of their required counts); objects with different approvers need more: see approvalSteps.',
    }),
    approvalSteps: t.field({
      type: [ApprovalStepRef],
      description:
        'Routed requests: each approval step and, per requested object, what it still waits for. Empty when a rule decided.',
      resolve: (request, _args, { requests, viewer }) => requests.approvalSteps(viewer, request),
    }),
    approvedDurationSeconds: t.exposeInt('approvedDurationSeconds', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When it expires if still pending.' }),
    extendsGrantId: t.exposeID('extendsGrantId', { nullable: true }),
    grant: t.field({
      type: GrantRef,
      nullable: true,
      resolve: (request, _args, { requests }) => requests.grantOf(request),
    }),
  }),
});

const FiledRequestRef = builder.objectRef<FiledRequest>('FiledAccessRequest').implement({
  fields: (t) => ({
    request: t.expose('request', { type: AccessRequestRef }),
    duplicate: t.exposeBoolean('duplicate', {
      description: 'True when an identical pending request existed: that one is returned.',
    }),
  }),
});

const RequestAccessInput = builder.inputType('RequestAccessInput', {
  fields: (t) => ({
    paths: t.stringList({
      required: true,
      description: 'Datasets, columns, metrics or glossary terms (1 to 50).',
    }),
    tier: t.field({ type: TierEnum, required: true }),
    justification: t.string({ required: true }),
    duration: t.string({ required: true, description: 'ISO 8601 (PT1H, P1D) or seconds.' }),
    scope: t.field({ type: GrantScopeEnum, required: false }),
  }),
});

const ExtendGrantInput = builder.inputType('ExtendGrantInput', {
  fields: (t) => ({
    grantId: t.id({ required: true }),
    justification: t.string({ required: true }),
    duration: t.string({ required: true, description: 'ISO 8601 (PT1H, P1D) or seconds, from now.' }),
  }),
});

const DecideAccessRequestInput = builder.inputType('DecideAccessRequestInput', {
  fields: (t) => ({
    requestId: t.id({ required: true }),
    duration: t.string({
      required: false,
      description: 'Approvals: the grant length (capped by the rules).',
    }),
    reason: t.string({ required: false, description: 'Denials: shown to the agent (required).' }),
  }),
});

builder.queryFields((t) => ({
  accessRequest: t.field({
    type: AccessRequestRef,
    nullable: true,
    description: 'A request made by this agent chain, for this human, or awaiting this approver.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { requests, viewer }) => requests.get(viewer, String(id)),
  }),
  myAccessRequests: t.connection(
    {
      type: AccessRequestRef,
      description:
        "An agent chain's requests; a human's requests and those awaiting their approval (role: only those where the person plays that part; agents are refused a role). Newest first. first/last at most 200, default 50.",
      args: {
        statuses: t.arg({ type: [AccessRequestStatusEnum], required: false }),
        role: t.arg({ type: AccessRequestRoleEnum, required: false }),
      },
      resolve: (_root, { statuses, role, ...args }, { requests, viewer }) => {
        const filter = { statuses: statuses ?? undefined, role: role ?? undefined };
        return keysetConnection(
          args,
          (page) => requests.listRequests(viewer, filter, page),
          newestFirstCursor,
          () => requests.countRequests(viewer, filter),
        );
      },
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => connection.count() }) }) },
  ),
}));

builder.mutationFields((t) => ({
  requestAccess: t.field({
    type: FiledRequestRef,
    description:
      'Asks for more than the slice. Rules decide at once (APPROVED or DENIED, with the rule and reason) or route it to approvers (PENDING).',
    args: { input: t.arg({ type: RequestAccessInput, required: true }) },
    resolve: (_root, { input }, { requests, viewer }) => requests.request(viewer, withoutNulls(input)),
  }),
  requestGrantExtension: t.field({
    type: FiledRequestRef,
    description: 'Asks to keep a grant longer; decided like a request, a limited number of times.',
    args: { input: t.arg({ type: ExtendGrantInput, required: true }) },
    resolve: (_root, { input }, { requests, viewer }) => requests.extendGrant(viewer, input),
  }),
  cancelAccessRequest: t.field({
    type: AccessRequestRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { requests, viewer }) => requests.cancel(viewer, String(id)),
  }),
  approveAccessRequest: t.field({
    type: AccessRequestRef,
    description: 'An eligible approver (a human with their own token) approves; several may be needed.',
    args: { input: t.arg({ type: DecideAccessRequestInput, required: true }) },
    resolve: (_root, { input }, { requests, viewer }) => requests.approve(viewer, withoutNulls(input)),
  }),
  denyAccessRequest: t.field({
    type: AccessRequestRef,
    args: { input: t.arg({ type: DecideAccessRequestInput, required: true }) },
    resolve: (_root, { input }, { requests, viewer }) => requests.deny(viewer, withoutNulls(input)),
  }),
}));

builder.subscriptionField('accessRequestUpdated', (t) =>
  t.field({
    type: AccessRequestRef,
    description:
      'The request now and after every change (server-sent events), until it is decided and its grant, if any, has ended.',
    args: { id: t.arg.id({ required: true }) },
    // Ends with UNAUTHENTICATED as soon as the token that opened it no longer holds.
    subscribe: (_root, { id }, { requests, viewer, whileAuthorized }) =>
      whileAuthorized(requests.updates(viewer, String(id))),
    resolve: (request) => request,
  }),
);
