import type { AccessRequest } from '../../../generated/prisma/client.ts';
import { AccessRequestStatus } from '../../../generated/prisma/enums.ts';
import { newestFirstCursor } from '../../db/keyset-page.ts';
import type {
  ApprovalStepView,
  ApproverView,
  StepObjectView,
} from '../../requests/approvals/approval-status.ts';
import type { FiledRequest } from '../../requests/file-request.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { GrantRef, GrantScopeEnum } from './grant.ts';
import { TierEnum } from './intent.ts';
import { keysetConnection } from './pagination.ts';

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
    humanEmail: t.string({
      resolve: async (request, _args, { identity }) =>
        (await identity.state.person({ id: request.humanId }))?.email ?? '',
    }),
    ruleId: t.exposeString('ruleId', {
      nullable: true,
      description: 'The rule that decided or routed it; null: no rule matched (routed to the owners).',
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
        "An agent chain's requests; a human's requests and those awaiting their approval. Newest first. first/last at most 200, default 50.",
      args: { statuses: t.arg({ type: [AccessRequestStatusEnum], required: false }) },
      resolve: (_root, { statuses, ...args }, { requests, viewer }) => {
        const filter = { statuses: statuses ?? undefined };
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
