import { GraphQLError } from 'graphql';
import { useErrorHandler } from 'graphql-yoga';
import type { Logger } from '../logging/logger.ts';
import { ApertureError } from '../shared/errors.ts';
import type { GraphQLContext } from './context.ts';
import { raisedByGraphQL, requestError } from './request-errors.ts';

/**
 * What the caller sees of an error: expected failures (ApertureError) keep their message and a
 * stable `extensions.code`; GraphQL's own errors (syntax, validation, limits) pass; anything else
 * becomes "Unexpected error." (it is logged by `logUnexpectedErrors`).
 */
export function maskError(error: unknown): GraphQLError {
  const original = originalOf(error);
  const path = isGraphQLError(error) ? error.path : undefined;
  if (original instanceof ApertureError) {
    return new GraphQLError(original.message, {
      path,
      extensions: {
        code: original.code,
        ...(original.details ? { details: original.details } : {}),
        ...(original.code === 'UNAUTHENTICATED'
          ? { http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } }
          : {}),
      },
    });
  }
  if (isGraphQLError(error) && raisedByGraphQL(error)) return requestError(error);
  return new GraphQLError('Unexpected error.', { path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** Logs unexpected errors with the request's logger (request id, and later the viewer). */
export function logUnexpectedErrors(fallback: Logger) {
  return useErrorHandler(({ errors, context }) => {
    const logger = (context as Partial<GraphQLContext>).logger ?? fallback;
    for (const error of errors) {
      const original = originalOf(error);
      if (original instanceof ApertureError || (isGraphQLError(error) && raisedByGraphQL(error))) continue;
      logger.error(
        { err: original, path: isGraphQLError(error) ? error.path : undefined },
        'unexpected error in a GraphQL operation',
      );
    }
  });
}

function originalOf(error: unknown): unknown {
  return isGraphQLError(error) && error.originalError ? error.originalError : error;
}

/**
 * graphql ships CommonJS and ESM builds; a plugin loading the other one throws GraphQLErrors of
 * another class, so `instanceof` is not enough.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}
