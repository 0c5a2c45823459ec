import type { Grant } from '../../../generated/prisma/client.ts';
import { GrantScope, GrantStatus } from '../../../generated/prisma/enums.ts';
import { newestFirstCursor } from '../../db/keyset-page.ts';
import { builder } from '../builder.ts';
import { agentChain } from './agent-chain.ts';
import { TierEnum } from './intent.ts';
import { keysetConnection } from './pagination.ts';
import { AgentIdentityRef } from './viewer.ts';

export const GrantScopeEnum = builder.enumType('GrantScope', {
  description: 'TIME: until the grant expires. TASK: also only within the task it was asked for (task_id).',
  values: Object.values(GrantScope),
});

export const GrantStatusEnum = builder.enumType('GrantStatus', { values: Object.values(GrantStatus) });

export const GrantRef = builder.objectRef<Grant>('Grant').implement({
  description:
    'Extra access for one human, agent chain and intent, until it expires or is revoked. It counts from the next query on.',
  fields: (t) => ({
    id: t.exposeID('id'),
    requestId: t.exposeID('requestId'),
    status: t.expose('status', { type: GrantStatusEnum }),
    paths: t.exposeStringList('paths'),
    tier: t.expose('tier', { type: TierEnum }),
    scope: t.expose('scope', { type: GrantScopeEnum }),
    intent: t.exposeString('intent'),
    taskId: t.exposeString('taskId', { nullable: true }),
    agents: t.field({
      type: [AgentIdentityRef],
      description: 'The agent chain whose request it answers, outermost first.',
      resolve: (grant, _args, { identity }) => agentChain(identity, grant.chain),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    extensions: t.exposeInt('extensions', { description: 'How many times it was extended.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    endedBy: t.exposeString('endedBy', { nullable: true }),
    endReason: t.exposeString('endReason', { nullable: true }),
  }),
});

builder.queryField('myGrants', (t) =>
  t.connection(
    {
      type: GrantRef,
      description:
        "An agent chain's grants for its human and intent; a human's own grants. Newest first. first/last at most 200, default 50.",
      args: { statuses: t.arg({ type: [GrantStatusEnum], required: false }) },
      resolve: (_root, { statuses, ...args }, { requests, viewer }) => {
        const filter = { statuses: statuses ?? undefined };
        return keysetConnection(
          args,
          (page) => requests.listGrants(viewer, filter, page),
          newestFirstCursor,
          () => requests.countGrants(viewer, filter),
        );
      },
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => connection.count() }) }) },
  ),
);

builder.mutationField('revokeGrant', (t) =>
  t.field({
    type: GrantRef,
    description:
      'Ends a grant now (the person it is for, its approvers, the owners of what it covers, governance).',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_root, { id, reason }, { requests, viewer }) =>
      requests.revokeGrant(viewer, String(id), reason),
  }),
);
