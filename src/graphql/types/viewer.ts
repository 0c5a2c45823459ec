import type { AgentIdentity, HumanIdentity, Viewer } from '../../identity/viewer.ts';
import { builder } from '../builder.ts';

export const HumanRef = builder.objectRef<HumanIdentity>('Human').implement({
  description: 'A person, as the people store knows them at this call.',
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    title: t.exposeString('title', { nullable: true }),
    department: t.exposeString('department', { nullable: true }),
    region: t.exposeString('region', { nullable: true }),
    groups: t.exposeStringList('groups'),
  }),
});

export const AgentIdentityRef = builder.objectRef<AgentIdentity>('AgentIdentity').implement({
  description: 'One hop of a delegation chain.',
  fields: (t) => ({
    clientId: t.exposeString('clientId'),
    name: t.exposeString('name'),
  }),
});

const ViewerKind = builder.enumType('ViewerKind', {
  values: {
    HUMAN: { description: 'a human with their own token' },
    AGENT: { description: 'an agent chain acting for a human' },
  },
});

type KnownViewer = Exclude<Viewer, { kind: 'anonymous' }>;

const ViewerRef = builder.objectRef<KnownViewer>('Viewer').implement({
  description: 'Who is calling: the human, and for agents the whole chain, the intent and the task.',
  fields: (t) => ({
    kind: t.field({ type: ViewerKind, resolve: (viewer) => (viewer.kind === 'agent' ? 'AGENT' : 'HUMAN') }),
    human: t.expose('human', { type: HumanRef }),
    chain: t.field({
      type: [AgentIdentityRef],
      description:
        'From the agent the human delegated to, down to the agent making this call. Empty for humans.',
      resolve: (viewer) => (viewer.kind === 'agent' ? viewer.chain : []),
    }),
    intent: t.string({
      nullable: true,
      resolve: (viewer) => (viewer.kind === 'agent' ? viewer.intent : null),
    }),
    taskId: t.string({
      nullable: true,
      resolve: (viewer) => (viewer.kind === 'agent' ? viewer.taskId : null),
    }),
    tokenId: t.string({
      nullable: true,
      resolve: (viewer) => (viewer.kind === 'agent' ? viewer.tokenId : null),
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    resolve: (_root, _args, { viewer }) => viewer as KnownViewer,
  }),
);
