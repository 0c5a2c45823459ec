import { GraphQLError } from 'graphql';
import type { Logger } from '../logging/logger.ts';
import { ApertureError } from '../shared/errors.ts';

/**
 * Expected failures (ApertureError) reach the caller with their message and stable
 * `extensions.code`; anything else is logged with the request's context and masked.
 */
export function maskError(error: unknown, logger: Logger): GraphQLError {
  const original = isGraphQLError(error) && error.originalError ? error.originalError : error;
  const path = isGraphQLError(error) ? error.path : undefined;
  if (original instanceof ApertureError) {
    return new GraphQLError(original.message, {
      path,
      extensions: { code: original.code, ...(original.details ? { details: original.details } : {}) },
    });
  }
  if (isGraphQLError(error) && !error.originalError) return error;
  logger.error({ err: original, path }, 'unexpected error while executing a GraphQL operation');
  return new GraphQLError('Unexpected error.', { path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * graphql ships CommonJS and ESM builds; a plugin loading the other one throws GraphQLErrors of
 * another class, so `instanceof` is not enough.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}
