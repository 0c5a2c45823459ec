import type { StandingConsent } from '../../../generated/prisma/client.ts';
import type { ConsentAnswer, ConsentScope, ConsentState } from '../../../generated/prisma/enums.ts';
import { confirmationPosition } from '../../requests/approvals/may-decide.ts';
import type { Confirmation } from '../../requests/consent/confirm-request.ts';
import { standingConsentDays } from '../../requests/consent/consent-input.ts';
import type { ConsentSettings } from '../../requests/consent/consent-settings.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { AccessRequestRef } from './access-request.ts';
import { agentChain } from './agent-chain.ts';
import { TierEnum } from './intent.ts';
import { validListSize } from './pagination.ts';
import { AgentIdentityRef } from './viewer.ts';

const ConsentStateEnum = builder.enumType('ConsentState', {
  description: 'Whether the person a request is made for must confirm it, and whether they did.',
  values: {
    NOT_ASKED: { description: 'No rule or setting asks them.' },
    WAITING: { description: 'Waiting for their answer (in Slack or the console).' },
    GIVEN: { description: 'They confirmed it, or a standing consent of theirs did.' },
    REFUSED: { description: 'They answered "not me": it was denied and governance told.' },
  } satisfies Record<ConsentState, { description: string }>,
});

const ConsentAnswerEnum = builder.enumType('ConsentAnswer', {
  description: "The person's answer to a request an agent made in their name.",
  values: {
    ONCE: { description: 'Allow once: this request.' },
    TASK: { description: 'Allow for this task: this and later identical requests under the same task id.' },
    ALWAYS: {
      description:
        'Always for this agent: a standing consent for this agent (through the same chain), intent, objects and tier, until it expires.',
    },
    NOT_ME: {
      description: 'Not me: they did not ask for it. Denies it and raises a security event to governance.',
    },
  } satisfies Record<ConsentAnswer, { description: string }>,
});

const ConsentScopeEnum = builder.enumType('ConsentScope', {
  values: {
    TASK: { description: "Identical requests of the same chain under the task's id." },
    AGENT: {
      description: 'Requests of the agent (through the same chain) for its intent, objects and tier.',
    },
  } satisfies Record<ConsentScope, { description: string }>,
});

const ConsentPositionEnum = builder.enumType('ConsentPosition', {
  values: {
    BEFORE: { description: 'The person confirms first; approvers are asked once they did.' },
    BESIDE: { description: 'The person confirms while approvers decide.' },
  },
});

interface RequestConsentView {
  state: ConsentState;
  answer: ConsentAnswer | null;
  answeredAt: Date | null;
  position: 'BEFORE' | 'BESIDE' | null;
}

const RequestConsentRef = builder.objectRef<RequestConsentView>('RequestConsent').implement({
  description:
    'The confirmation of the person a request is made for. Only they can give it, out of band (Slack, the console), never an agent.',
  fields: (t) => ({
    state: t.expose('state', { type: ConsentStateEnum }),
    answer: t.expose('answer', { type: ConsentAnswerEnum, nullable: true }),
    answeredAt: t.expose('answeredAt', { type: 'DateTime', nullable: true }),
    position: t.expose('position', {
      type: ConsentPositionEnum,
      nullable: true,
      description: 'When it is asked among the approvals; null when not asked.',
    }),
  }),
});

builder.objectFields(AccessRequestRef, (t) => ({
  consent: t.field({
    type: RequestConsentRef,
    resolve: (request): RequestConsentView => {
      const position = confirmationPosition(request);
      return {
        state: request.consent,
        answer: request.consentAnswer,
        answeredAt: request.consentedAt,
        position: position === 'before' ? 'BEFORE' : position === 'beside' ? 'BESIDE' : null,
      };
    },
  }),
  viewerCanConfirm: t.boolean({
    description: 'Whether the caller is the person it is made for and it waits for their confirmation now.',
    resolve: (request, _args, { requests, viewer }) => requests.viewerCanConfirm(viewer, request),
  }),
}));

const StandingConsentRef = builder.objectRef<StandingConsent>('StandingConsent').implement({
  description:
    "A person's standing consent: their agent's matching requests no longer ask them (it never widens what they may see). Ends when revoked, at expiry, when an agent of its chain is suspended or retired, when its intent changes, or when the rule that asked no longer applies.",
  fields: (t) => ({
    id: t.exposeID('id'),
    scope: t.expose('scope', { type: ConsentScopeEnum }),
    agents: t.field({
      type: [AgentIdentityRef],
      description: 'The agent chain it is for, outermost first; the last is the agent.',
      resolve: (consent, _args, { identity }) => agentChain(identity, consent.chain),
    }),
    intent: t.exposeString('intent'),
    taskId: t.exposeString('taskId', { nullable: true }),
    paths: t.exposeStringList('paths', { description: 'The objects it covers.' }),
    tier: t.expose('tier', { type: TierEnum, description: 'The most it covers.' }),
    askedBy: t.exposeString('askedBy', {
      description: 'What asked for confirmation: `rule:<id>` or `sub-agent` (governance setting).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it last stood in for your confirmation; null: never yet.',
    }),
    uses: t.exposeInt('uses'),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    endReason: t.exposeString('endReason', { nullable: true }),
  }),
});

const ConfirmationRef = builder.objectRef<Confirmation>('AccessConfirmation').implement({
  fields: (t) => ({
    request: t.expose('request', { type: AccessRequestRef }),
    standingConsent: t.expose('standingConsent', {
      type: StandingConsentRef,
      nullable: true,
      description: 'The task or agent consent the answer made.',
    }),
    delegationRevoked: t.boolean({
      description: '"Not me" took back the delegation the request was filed with (governance setting).',
      resolve: (confirmation) => confirmation.revokeDelegation,
    }),
  }),
});

const ConsentSettingsRef = builder.objectRef<ConsentSettings>('ConsentSettings').implement({
  description: "Governance's consent settings.",
  fields: (t) => ({
    subAgentRequests: t.exposeBoolean('subAgentRequests', {
      description:
        'Every request made through a sub-agent (two or more agents) needs the person’s confirmation.',
    }),
    notMeRevokesDelegation: t.exposeBoolean('notMeRevokesDelegation', {
      description: 'A "not me" answer also takes back the delegation the request was filed with, at once.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
    updatedBy: t.exposeString('updatedBy', { nullable: true }),
  }),
});

const ConfirmAccessRequestInput = builder.inputType('ConfirmAccessRequestInput', {
  fields: (t) => ({
    requestId: t.id({ required: true }),
    answer: t.field({ type: ConsentAnswerEnum, required: true }),
    days: t.int({
      required: false,
      description: `ALWAYS: how many days the standing consent lasts (default ${standingConsentDays.default}, at most ${standingConsentDays.max}).`,
    }),
  }),
});

const ConsentSettingsInput = builder.inputType('ConsentSettingsInput', {
  fields: (t) => ({
    subAgentRequests: t.boolean({ required: false }),
    notMeRevokesDelegation: t.boolean({ required: false }),
  }),
});

builder.queryFields((t) => ({
  awaitingMyConfirmation: t.field({
    type: [AccessRequestRef],
    description:
      'Requests agents made in the calling person’s name that wait for their confirmation, oldest first (at most `first`, default 50, from 0 to 200). People only; agents get an empty list.',
    args: { first: t.arg.int({ required: false }) },
    resolve: (_root, { first }, { requests, viewer }) => {
      return requests.awaitingConfirmationBy(viewer, validListSize(first, 50));
    },
  }),
  myStandingConsents: t.field({
    type: [StandingConsentRef],
    description: "The calling person's standing consents in force, newest first. People only.",
    resolve: (_root, _args, { requests, viewer }) => requests.standingConsents(viewer),
  }),
  consentSettings: t.field({
    type: ConsentSettingsRef,
    authScopes: { governance: true },
    description: "Governance's consent settings (governance only).",
    resolve: (_root, _args, { requests, viewer }) => requests.readConsentSettings(viewer),
  }),
}));

builder.mutationFields((t) => ({
  confirmAccessRequest: t.field({
    type: ConfirmationRef,
    description:
      'The person an agent made a request for answers it: Allow once, Allow for this task, Always for this agent, or Not me. Only that person, signed in as themselves; agents, approvers and governance are refused.',
    args: { input: t.arg({ type: ConfirmAccessRequestInput, required: true }) },
    resolve: (_root, { input }, { requests, viewer }) =>
      requests.confirm(viewer, { ...withoutNulls(input), requestId: String(input.requestId) }),
  }),
  revokeStandingConsent: t.field({
    type: StandingConsentRef,
    description: 'A person takes back one of their standing consents.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { requests, viewer }) => requests.revokeStandingConsent(viewer, String(id)),
  }),
  updateConsentSettings: t.field({
    type: ConsentSettingsRef,
    authScopes: { governance: true },
    description: 'Governance changes the consent settings (the fields given); audited.',
    args: { input: t.arg({ type: ConsentSettingsInput, required: true }) },
    resolve: (_root, { input }, { requests, viewer }) =>
      requests.updateConsentSettings(viewer, withoutNulls(input)),
  }),
}));
