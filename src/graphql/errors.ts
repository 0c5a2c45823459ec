import { GraphQLError } from 'graphql';
import { createGraphQLError, useErrorHandler } from 'graphql-yoga';
import {
  DatabaseUnavailableError,
  databaseUnavailable,
  unavailableReason,
} from '../db/database-unavailable.ts';
import type { Logger } from '../logging/logger.ts';
import { ApertureError } from '../shared/errors.ts';
import type { GraphQLContext } from './context.ts';
import { raisedByGraphQL, requestError } from './request-errors.ts';
import { withoutSuggestions } from './suggestions.ts';

/**
 * What the caller sees of an error: expected failures (ApertureError) keep their message and a
 * stable `extensions.code`; a database outage is UNAVAILABLE, retryable, with HTTP 503 and
 * `Retry-After`; GraphQL's own errors (syntax, validation, limits) pass; anything else
 * becomes "Unexpected error." (it is logged by `logUnexpectedErrors`).
 */
export function maskError(error: unknown): GraphQLError {
  const original = expectedOf(error);
  const path = isGraphQLError(error) ? error.path : undefined;
  if (original instanceof ApertureError) {
    // Built by yoga's own graphql (see isGraphQLError): yoga then recognises it and keeps `http` internal.
    return createGraphQLError(original.message, {
      path,
      extensions: {
        code: original.code,
        ...(original.details ? { details: original.details } : {}),
        ...(original.code === 'UNAUTHENTICATED'
          ? { http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } }
          : {}),
        ...(original instanceof DatabaseUnavailableError
          ? {
              retryable: true,
              http: { status: 503, headers: { 'retry-after': String(original.retryAfterSeconds) } },
            }
          : {}),
      },
    });
  }
  if (isGraphQLError(error) && raisedByGraphQL(error)) return withoutSuggestions(requestError(error));
  // Where in the document it failed (`locations`, `path`) is the caller's to see, as with yoga's
  // own masking: with the request id, it is what they can report.
  return createGraphQLError('Unexpected error.', {
    ...(isGraphQLError(error)
      ? { nodes: error.nodes ?? null, source: error.source, positions: error.positions, path }
      : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/**
 * The logger yoga writes to. Yoga logs at ERROR every error its masking replaced, expected ones
 * too (a refused token, a bad argument): those go to DEBUG here, since they are the caller's
 * mistake, not ours; unexpected ones are logged with the request's context by
 * `logUnexpectedErrors` and stay at ERROR here for whatever happens outside an operation.
 */
export function yogaLogger(logger: Logger) {
  const child = logger.child({ component: 'yoga' });
  return {
    debug: (...args: unknown[]) => child.debug({ details: args }, 'yoga'),
    info: (...args: unknown[]) => child.info({ details: args }, 'yoga'),
    warn: (...args: unknown[]) => child.warn({ details: args }, 'yoga'),
    error: (...args: unknown[]) => {
      for (const arg of args) {
        const unavailable = databaseUnavailable(originalOf(arg));
        if (unavailable) warnOnce(child, originalOf(arg), unavailable);
        else if (isExpected(arg)) child.debug({ code: codeOf(arg) }, 'expected error in a GraphQL operation');
        else child.error({ err: arg }, 'error in the GraphQL server');
      }
    },
  };
}

function isExpected(error: unknown): boolean {
  return expectedOf(error) instanceof ApertureError || (isGraphQLError(error) && raisedByGraphQL(error));
}

function codeOf(error: unknown): unknown {
  const original = expectedOf(error);
  return original instanceof ApertureError ? original.code : 'GRAPHQL';
}

/** Logs unexpected errors with the request's logger (request id, and later the viewer). */
export function logUnexpectedErrors(fallback: Logger) {
  return useErrorHandler(({ errors, context, phase }) => {
    // A failed context factory reaches this handler only as `new Error(String(error))`, its cause
    // lost; yoga hands the error itself to `yogaLogger`, which logs it (or its outage) in full.
    if (phase === 'context') return;
    // Envelop hands this handler the execution arguments (the context is their `contextValue`)
    // when an operation ran, and the context itself in the phases before.
    const { contextValue } = context as { contextValue?: Partial<GraphQLContext> };
    const logger = (contextValue ?? (context as Partial<GraphQLContext>)).logger ?? fallback;
    // An outage fails every field that reads: one line for the operation, not one per field.
    const outages = errors.map(originalOf).filter((error) => databaseUnavailable(error));
    const unavailable = outages[0] === undefined ? undefined : databaseUnavailable(outages[0]);
    if (unavailable) {
      const fresh = outages.some((error) => !reportedOutages.has(error as object));
      for (const error of outages) reportedOutages.add(error as object);
      if (fresh) logger.warn({ reason: unavailableReason(unavailable) }, 'database unavailable');
    }
    for (const error of errors) {
      if (isExpected(error)) continue;
      logger.error(
        { err: originalOf(error), path: isGraphQLError(error) ? error.path : undefined },
        'unexpected error in a GraphQL operation',
      );
    }
  });
}

/**
 * Outages already logged: yoga hands a masked error to its logger twice (when masking, and again
 * when answering), and an operation's failed fields share one outage.
 */
const reportedOutages = new WeakSet<object>();

function warnOnce(logger: Logger, error: unknown, unavailable: DatabaseUnavailableError): void {
  if (typeof error === 'object' && error !== null) {
    if (reportedOutages.has(error)) return;
    reportedOutages.add(error);
  }
  logger.warn({ reason: unavailableReason(unavailable) }, 'database unavailable');
}

function originalOf(error: unknown): unknown {
  return isGraphQLError(error) && error.originalError ? error.originalError : error;
}

/** The error behind `error`, as the typed error it stands for when the database is unavailable. */
function expectedOf(error: unknown): unknown {
  const original = originalOf(error);
  if (original instanceof ApertureError) return original;
  return databaseUnavailable(original) ?? original;
}

/**
 * graphql ships CommonJS and ESM builds; a plugin loading the other one throws GraphQLErrors of
 * another class, so `instanceof` is not enough.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError || (error instanceof Error && error.name === 'GraphQLError');
}
