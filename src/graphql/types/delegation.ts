import {
  maxListedDelegations,
  type PersonDelegation,
} from '../../identity/delegations/person-delegations.ts';
import { builder } from '../builder.ts';
import { AccessRequestRef } from './access-request.ts';
import { GrantRef } from './grant.ts';
import { AgentIdentityRef } from './viewer.ts';

const DelegationRef = builder.objectRef<PersonDelegation>('Delegation').implement({
  description:
    'A delegation a person made to one of their agents, live now: revoking its token (revokeDelegationToken) stops it and every token derived from it at once.',
  fields: (t) => ({
    tokenId: t.exposeID('tokenId'),
    chain: t.expose('chain', {
      type: [AgentIdentityRef],
      description: "The token's agent chain, outermost first (the person's own agent).",
    }),
    intent: t.exposeString('intent'),
    taskId: t.exposeString('taskId', { nullable: true }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    subDelegations: t.exposeInt('subDelegations', {
      description: 'Live tokens derived from it (its sub-agents acting now).',
    }),
    subAgents: t.expose('subAgents', {
      type: [AgentIdentityRef],
      description: 'The sub-agents acting below its agent now (through those live tokens), each once.',
    }),
    grants: t.field({
      type: [GrantRef],
      description:
        'Grants in force its tokens may use: those of agent chains starting at its agent, under its intent (task-bound ones within its tasks). Newest first.',
      resolve: (delegation, _args, { requests }) => requests.delegationGrants(delegation),
    }),
    requests: t.field({
      type: [AccessRequestRef],
      description: 'Requests filed through it or a token derived from it: the newest 20.',
      resolve: (delegation, _args, { requests }) => requests.delegationRequests(delegation),
    }),
  }),
});

builder.queryField('myDelegations', (t) =>
  t.field({
    type: [DelegationRef],
    description: `The agents acting for the calling person now: their live delegations, newest first, at most ${maxListedDelegations} (the newest). People only; agents are refused.`,
    resolve: (_root, _args, { identity, viewer }) => identity.delegations(viewer),
  }),
);
