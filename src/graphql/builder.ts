import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { isGovernance } from '../identity/governance.ts';
import { ApertureError } from '../shared/errors.ts';
import type { GraphQLContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  AuthScopes: {
    /** Any verified human or agent. */
    authenticated: boolean;
    /** A human token of the governance group (never an agent token). */
    governance: boolean;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: ({ viewer, identity }) => ({
      authenticated: viewer.kind !== 'anonymous',
      governance: isGovernance(viewer, identity.config.governanceGroup),
    }),
    unauthorizedError: (_parent, { viewer }) =>
      viewer.kind === 'anonymous'
        ? new ApertureError(
            'UNAUTHENTICATED',
            'authentication is required: send Authorization: Bearer <token>',
          )
        : new ApertureError('FORBIDDEN', 'not allowed for this viewer'),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);
// Every query needs a verified caller unless a field opts out (health).
builder.queryType({ authScopes: { authenticated: true } });
builder.mutationType({ authScopes: { authenticated: true } });
builder.subscriptionType({ authScopes: { authenticated: true } });
