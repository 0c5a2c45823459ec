import type { LoadStep } from './load-spec.ts';

/** One GraphQL call of a load scenario, with the text its answer must hold. */
export function gqlStep(
  label: string,
  graphqlPath: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  expect: string,
): LoadStep {
  return {
    label,
    method: 'POST',
    path: graphqlPath,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    expect,
  };
}
