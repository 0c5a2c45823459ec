import { GraphQLError } from 'graphql';

/**
 * Codes yoga and graphql-js give a request refused for its shape (bad JSON, batching, a mutation
 * over GET, a parse or validation failure, a query limit of graphql-armor, which gives none):
 * all of them are the caller's bad input.
 */
const inputCodes = new Set([
  undefined,
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * A GraphQL error raised before any resolver ran, as the caller sees it: our stable code
 * (INVALID_INPUT) instead of the library's or none, its HTTP status kept, and without the
 * `originalError` yoga attaches (a parser's message, not ours to pass on).
 */
export function requestError(error: GraphQLError): GraphQLError {
  const { originalError, code, http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: {
      ...extensions,
      code: inputCodes.has(code as string | undefined) ? 'INVALID_INPUT' : code,
      // Yoga keeps a `spec` error's status (400 for bad JSON) only while a library error is
      // attached; without it the status is what the error says.
      ...(isRecord(http) ? { http: originalError ? { ...http, spec: false } : http } : {}),
    },
  });
}

/**
 * The error and every error it wraps are GraphQL's own (a variable of the wrong type wraps the
 * scalar's refusal): the request was refused, nothing of ours failed. By name as well as class,
 * since a plugin may load the other build of graphql.
 */
export function raisedByGraphQL(error: GraphQLError): boolean {
  const cause: unknown = error.originalError;
  if (cause === undefined || cause === null) return true;
  return isGraphQLError(cause) && raisedByGraphQL(cause);
}

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
