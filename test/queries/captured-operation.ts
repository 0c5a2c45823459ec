import { captureQueries } from '../support/query-log.ts';
import { normaliseStatement } from './normalise-statement.ts';

/** What one GraphQL operation answered, and the statements it sent, normalised for a snapshot. */
export interface CapturedOperation<T> {
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  statements: string[];
}

/**
 * Posts one GraphQL operation over real HTTP to the service in this process and records the SQL
 * it sends, its audit batch and other work it leaves behind included (see captureQueries).
 */
export async function captureOperation<T = Record<string, unknown>>(
  graphqlUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<CapturedOperation<T>> {
  const { result, statements } = await captureQueries(async (headers) => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as CapturedOperation<T>['body'];
  });
  return { body: result, statements: statements.map(normaliseStatement) };
}
