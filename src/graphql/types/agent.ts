import type { Agent } from '../../../generated/prisma/client.ts';
import { AgentStatus, Sensitivity } from '../../../generated/prisma/enums.ts';
import { byNameCursor } from '../../db/keyset-page.ts';
import { type CapabilityCeiling, capabilityCeilingSchema } from '../../identity/agents/capability-ceiling.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { TierEnum } from './intent.ts';
import { keysetConnection } from './pagination.ts';

const AgentStatusEnum = builder.enumType('AgentStatus', { values: Object.values(AgentStatus) });
const SensitivityLevel = builder.enumType('CeilingSensitivity', { values: Object.values(Sensitivity) });

const CeilingRef = builder.objectRef<CapabilityCeiling>('CapabilityCeiling').implement({
  description: 'The most an agent may ever see. Along a chain, every hop narrows.',
  fields: (t) => ({
    maxTier: t.expose('maxTier', { type: TierEnum }),
    maxSensitivity: t.expose('maxSensitivity', { type: SensitivityLevel }),
    requiredTags: t.exposeStringList('requiredTags'),
    excludedTags: t.exposeStringList('excludedTags'),
    paths: t.exposeStringList('paths', { description: 'Path globs; empty: every path.' }),
  }),
});

const ExternalIdentityRef = builder
  .objectRef<{ issuer: string; subject: string }>('AgentExternalIdentity')
  .implement({
    description:
      "How an enterprise identity provider names the agent in its tokens' actor claims (Okta's and Auth0's act.sub, an Entra agent identity's application id).",
    fields: (t) => ({
      issuer: t.exposeString('issuer', { description: 'The provider, exactly as its tokens say in iss.' }),
      subject: t.exposeString('subject'),
    }),
  });

export const AgentRef = builder.objectRef<Agent>('Agent');
AgentRef.implement({
  description: 'An AI agent: its own identity with an owner, a status and a capability ceiling.',
  fields: (t) => ({
    clientId: t.exposeString('clientId'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    status: t.expose('status', { type: AgentStatusEnum }),
    ownerEmail: t.string({
      resolve: async (agent, _args, { identity }) =>
        (await identity.state.person({ id: agent.ownerId }))?.email ?? '',
    }),
    parent: t.field({
      type: AgentRef,
      nullable: true,
      resolve: (agent, _args, { identity }) => (agent.parentId ? identity.agents.byId(agent.parentId) : null),
    }),
    ceiling: t.field({ type: CeilingRef, resolve: (agent) => capabilityCeilingSchema.parse(agent.ceiling) }),
    allowedIntents: t.exposeStringList('allowedIntents'),
    maxDelegationDepth: t.exposeInt('maxDelegationDepth'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    statusChangedAt: t.expose('statusChangedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last suspended, reactivated or retired; null: never.',
    }),
    children: t.field({
      type: [AgentRef],
      description: 'Its sub-agents, by name.',
      resolve: (agent, _args, { identity }) => identity.agentUsage.children(agent.id),
    }),
    externalIdentities: t.field({
      type: [ExternalIdentityRef],
      authScopes: { governance: true },
      description: 'How enterprise identity providers name it in actor claims, by issuer then subject.',
      resolve: (agent, _args, { identity }) => identity.agentUsage.externalIdentities(agent.id),
    }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a delegation token was last issued to it; null: never.',
      resolve: (agent, _args, { identity }) => identity.agentUsage.lastUsedAt(agent.id),
    }),
    liveTokens: t.int({
      description: 'Its delegation tokens neither revoked nor expired.',
      resolve: (agent, _args, { identity }) => identity.agentUsage.liveTokens(agent.id),
    }),
    activeGrants: t.int({
      description: 'Grants in force held by agent chains it is part of (what suspending it would end).',
      resolve: (agent, _args, { requests }) => requests.activeGrantsOfAgent(agent.id),
    }),
  }),
});

const AgentWithSecretRef = builder
  .objectRef<{ agent: Agent; clientSecret: string }>('AgentCredentials')
  .implement({
    description: 'The agent and its new client secret. The secret is shown only this once.',
    fields: (t) => ({
      agent: t.expose('agent', { type: AgentRef }),
      clientSecret: t.exposeString('clientSecret'),
    }),
  });

const CeilingInput = builder.inputType('CapabilityCeilingInput', {
  fields: (t) => ({
    maxTier: t.field({ type: TierEnum, required: false }),
    maxSensitivity: t.field({ type: SensitivityLevel, required: false }),
    requiredTags: t.stringList({ required: false }),
    excludedTags: t.stringList({ required: false }),
    paths: t.stringList({ required: false }),
  }),
});

const ExternalIdentityInput = builder.inputType('AgentExternalIdentityInput', {
  fields: (t) => ({
    issuer: t.string({
      required: true,
      description: "The provider's issuer, exactly as in its tokens' iss.",
    }),
    subject: t.string({
      required: true,
      description: 'The id the provider gives the agent in actor claims.',
    }),
  }),
});

const RegisterAgentInput = builder.inputType('RegisterAgentInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string({ required: false }),
    ownerEmail: t.string({ required: true }),
    parentClientId: t.string({ required: false, description: 'Makes this a sub-agent of that agent.' }),
    ceiling: t.field({ type: CeilingInput, required: false }),
    allowedIntents: t.stringList({ required: true }),
    maxDelegationDepth: t.int({ required: false }),
    credentialExpiresAt: t.field({ type: 'DateTime', required: false }),
    externalIdentities: t.field({
      type: [ExternalIdentityInput],
      required: false,
      description: 'How enterprise identity providers name it in actor claims.',
    }),
  }),
});

const UpdateAgentInput = builder.inputType('UpdateAgentInput', {
  description: 'Fields left out stay as they are.',
  fields: (t) => ({
    description: t.string({ required: false }),
    ceiling: t.field({ type: CeilingInput, required: false, description: 'Replaces the whole ceiling.' }),
    allowedIntents: t.stringList({ required: false }),
    maxDelegationDepth: t.int({ required: false }),
    externalIdentities: t.field({
      type: [ExternalIdentityInput],
      required: false,
      description: 'Replaces the whole set; an empty list removes them all.',
    }),
  }),
});

builder.queryFields((t) => ({
  agents: t.connection(
    {
      type: AgentRef,
      authScopes: { governance: true },
      description: 'Every agent, by name. first/last at most 200, default 50.',
      resolve: (_root, args, { identity }) =>
        keysetConnection(
          args,
          (page) => identity.agents.list(page),
          byNameCursor,
          () => identity.agents.count(),
        ),
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => connection.count() }) }) },
  ),
  agent: t.field({
    type: AgentRef,
    nullable: true,
    authScopes: { governance: true },
    args: { clientId: t.arg.string({ required: true }) },
    resolve: (_root, { clientId }, { identity }) => identity.agents.byClientId(clientId),
  }),
}));

builder.mutationFields((t) => ({
  registerAgent: t.field({
    type: AgentWithSecretRef,
    authScopes: { governance: true },
    args: { input: t.arg({ type: RegisterAgentInput, required: true }) },
    resolve: (_root, { input }, { identity, viewer }) => {
      const { ceiling, ...rest } = input;
      return identity.agents.register(viewer, {
        ...withoutNulls(rest),
        ceiling: withoutNulls(ceiling ?? {}),
      });
    },
  }),
  updateAgent: t.field({
    type: AgentRef,
    authScopes: { governance: true },
    args: {
      clientId: t.arg.string({ required: true }),
      input: t.arg({ type: UpdateAgentInput, required: true }),
    },
    resolve: (_root, { clientId, input }, { identity, viewer }) => {
      const { ceiling, ...rest } = input;
      return identity.agents.update(viewer, clientId, {
        ...withoutNulls(rest),
        ...(ceiling ? { ceiling: withoutNulls(ceiling) } : {}),
      });
    },
  }),
  rotateAgentSecret: t.field({
    type: AgentWithSecretRef,
    authScopes: { governance: true },
    args: {
      clientId: t.arg.string({ required: true }),
      credentialExpiresAt: t.arg({ type: 'DateTime', required: false }),
    },
    resolve: (_root, { clientId, credentialExpiresAt }, { identity, viewer }) =>
      identity.agents.rotateSecret(viewer, clientId, withoutNulls({ credentialExpiresAt })),
  }),
  suspendAgent: statusMutation(t, 'suspend'),
  reactivateAgent: statusMutation(t, 'reactivate'),
  retireAgent: statusMutation(t, 'retire'),
  revokeDelegationToken: t.stringList({
    description:
      'Revokes a delegation token and every token derived from it; returns the ids revoked. Governance revokes any token; a person, those acting for them (see myDelegations). Agents are refused.',
    args: { tokenId: t.arg.string({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_root, { tokenId, reason }, { identity, viewer }) =>
      identity.revokeToken(viewer, tokenId, reason),
  }),
}));

function statusMutation(
  t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0],
  change: 'suspend' | 'reactivate' | 'retire',
) {
  return t.field({
    type: AgentRef,
    authScopes: { governance: true },
    args: { clientId: t.arg.string({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_root, { clientId, reason }, { identity, viewer }) =>
      identity.agents[change](viewer, clientId, reason),
  });
}
