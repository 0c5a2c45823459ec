import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * Every document the console sends is written with `graphql(...)`: gql.tada types its result and
 * variables from the printed SDL (schema/schema.graphql, written to graphql-env.d.ts by
 * `npm run schema:print`), so a renamed field fails `npm run typecheck`, not a person's click.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; JSON: unknown };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
