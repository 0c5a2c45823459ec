import type { PepClient } from '../../../generated/prisma/client.ts';
import { PepClientStatus } from '../../../generated/prisma/enums.ts';
import type { PepClientWithSecret } from '../../identity/pep-clients/pep-client-service.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';

const PepClientStatusEnum = builder.enumType('PepClientStatus', { values: Object.values(PepClientStatus) });

const PepClientRef = builder.objectRef<PepClient>('PepClient').implement({
  description:
    'A policy enforcement point (a gateway, an MCP proxy, a data platform) registered to ask the AuthZEN endpoints (/access/v1/...). It authenticates with its client id and secret; the subjects it names are verified from the tokens it forwards.',
  fields: (t) => ({
    clientId: t.exposeString('clientId'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    status: t.expose('status', { type: PepClientStatusEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    statusChangedAt: t.expose('statusChangedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Its last authenticated call, to the minute; null: never.',
    }),
  }),
});

const PepClientWithSecretRef = builder.objectRef<PepClientWithSecret>('PepClientWithSecret').implement({
  fields: (t) => ({
    pepClient: t.field({ type: PepClientRef, resolve: (result) => result.pepClient }),
    clientSecret: t.exposeString('clientSecret', {
      description: 'Shown once: aperture keeps only its hash.',
    }),
  }),
});

const RegisterPepClientInput = builder.inputType('RegisterPepClientInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string({ required: false }),
  }),
});

builder.queryFields((t) => ({
  pepClients: t.field({
    type: [PepClientRef],
    description: 'The policy enforcement points registered to ask the AuthZEN endpoints, by name.',
    authScopes: { governance: true },
    resolve: (_root, _args, { identity, viewer }) => identity.pepClients.list(viewer),
  }),
}));

builder.mutationFields((t) => ({
  registerPepClient: t.field({
    type: PepClientWithSecretRef,
    authScopes: { governance: true },
    args: { input: t.arg({ type: RegisterPepClientInput, required: true }) },
    resolve: (_root, { input }, { identity, viewer }) =>
      identity.pepClients.register(viewer, withoutNulls(input)),
  }),
  rotatePepClientSecret: t.field({
    type: PepClientWithSecretRef,
    description: 'A new secret for a PEP client; the old one stops at once.',
    authScopes: { governance: true },
    args: { clientId: t.arg.string({ required: true }) },
    resolve: (_root, { clientId }, { identity, viewer }) =>
      identity.pepClients.rotateSecret(viewer, clientId),
  }),
  suspendPepClient: statusMutation(t, 'suspend'),
  reactivatePepClient: statusMutation(t, 'reactivate'),
  retirePepClient: statusMutation(t, 'retire'),
}));

function statusMutation(
  t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0],
  change: 'suspend' | 'reactivate' | 'retire',
) {
  return t.field({
    type: PepClientRef,
    authScopes: { governance: true },
    args: { clientId: t.arg.string({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_root, { clientId, reason }, { identity, viewer }) =>
      identity.pepClients.changeStatus(viewer, clientId, change, reason),
  });
}
