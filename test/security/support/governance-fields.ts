import { randomUUID } from 'node:crypto';
import type { GraphQLArgument, GraphQLField, GraphQLSchema } from 'graphql';

// The schema may come from the other build of graphql (CommonJS or ESM) than this file would
// import, so its types are read by shape, never with graphql's `instanceof` helpers.
interface TypeShape {
  name?: string;
  ofType?: TypeShape;
  getFields?: () => Record<string, { type: TypeShape }>;
  getInterfaces?: () => unknown;
  getValues?: () => { name: string }[];
  getTypes?: () => unknown;
  constructor: { name: string };
}

/** A root field of the schema, as an attacker would call it. */
export interface RootField {
  operation: 'query' | 'mutation' | 'subscription';
  name: string;
  /** True when Pothos's scope-auth guards the field with `governance`. */
  governance: boolean;
  field: GraphQLField<unknown, unknown>;
}

/** Every root field, read from the schema itself so that a field added later is covered too. */
export function rootFields(schema: GraphQLSchema): RootField[] {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const;
  return roots.flatMap(([operation, type]) =>
    type
      ? Object.values(type.getFields()).map((field) => {
          const scopes = (field.extensions as { pothosOptions?: { authScopes?: { governance?: boolean } } })
            .pothosOptions?.authScopes;
          return { operation, name: field.name, governance: scopes?.governance === true, field };
        })
      : [],
  );
}

/**
 * A document calling the field with every argument as a variable, and variables of the right
 * types: `overrides` (by argument name) give real ids, so that a call that got through would
 * really change something.
 */
export function callOf(
  root: RootField,
  overrides: Record<string, unknown>,
): { query: string; variables: Record<string, unknown> } {
  const args = root.field.args;
  const declared = args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  let named = root.field.type as unknown as TypeShape;
  while (named.ofType) named = named.ofType;
  const selection = named.getInterfaces || named.getTypes ? ' { __typename }' : '';
  const variables = Object.fromEntries(
    args.map((arg: GraphQLArgument) => [
      arg.name,
      arg.name in overrides ? overrides[arg.name] : sampleValue(arg.type as unknown as TypeShape),
    ]),
  );
  return {
    query: `${root.operation}${declared ? ` (${declared})` : ''} { ${root.name}${passed ? `(${passed})` : ''}${selection} }`,
    variables,
  };
}

/** A value of the type: required fields of inputs filled in, enums at their first value. */
function sampleValue(type: TypeShape): unknown {
  const kind = type.constructor.name;
  if (kind === 'GraphQLNonNull') return sampleValue(type.ofType!);
  if (kind === 'GraphQLList') return [sampleValue(type.ofType!)];
  if (type.getValues) return type.getValues()[0]!.name;
  if (type.getFields) {
    return Object.fromEntries(
      Object.entries(type.getFields())
        .filter(([, field]) => field.type.constructor.name === 'GraphQLNonNull')
        .map(([name, field]) => [name, sampleValue(field.type)]),
    );
  }
  switch (type.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'ID':
      return randomUUID();
    case 'DateTime':
      return new Date(Date.now() + 86_400_000).toISOString();
    case 'JSON':
      return [];
    default:
      return 'attack';
  }
}
