import type { TadaDocumentNode } from 'gql.tada';
import { print } from 'graphql';
import { ApiError, apiErrorFrom } from './api-error.ts';

interface GraphQLAnswer<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Sends one typed document to aperture's GraphQL with the session cookie and the CSRF header:
 * the console holds no token, only what the server's session gave it. Any error is thrown as an
 * ApiError (a partial answer is treated as a failure: the console shows nothing half-true).
 */
export async function graphqlRequest<Data, Variables>(
  csrfToken: string,
  document: TadaDocumentNode<Data, Variables>,
  variables: Variables,
): Promise<Data> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        'x-aperture-csrf': csrfToken,
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch {
    throw new ApiError('NETWORK', 'aperture cannot be reached: check your connection and try again.');
  }
  const answer = (await response.json().catch(() => ({}))) as GraphQLAnswer<Data>;
  const firstError = answer.errors?.[0];
  if (firstError) throw apiErrorFrom(firstError);
  if (!response.ok || answer.data == null) {
    throw new ApiError('INTERNAL', `aperture answered ${response.status} without data.`);
  }
  return answer.data;
}
