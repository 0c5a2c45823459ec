/** aperture's stable error codes (extensions.code), plus what the browser itself can hit. */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'NETWORK';

/** One field-level problem of an input (the policy and rule editors show them in place). */
export interface FieldProblem {
  /** Where, as aperture names it: `policies[2].effect`, `rules[0].when.tier`, ... */
  location: string;
  message: string;
}

/** A refusal or failure from the API, with the code the page decides on and the text it shows. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const knownCodes = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_INPUT',
  'CONFLICT',
  'UNAVAILABLE',
  'RATE_LIMITED',
]);

/** The first GraphQL error of an answer as an ApiError (codes we do not know become INTERNAL). */
export function apiErrorFrom(error: { message: string; extensions?: Record<string, unknown> }): ApiError {
  const code = String(error.extensions?.code ?? '');
  const details = error.extensions?.details as { problems?: unknown } | undefined;
  const problems = Array.isArray(details?.problems)
    ? details.problems.flatMap((problem: unknown) => {
        if (typeof problem !== 'object' || problem === null) return [];
        const { location, message } = problem as { location?: unknown; message?: unknown };
        return typeof message === 'string' ? [{ location: String(location ?? ''), message }] : [];
      })
    : [];
  const message = problems.length > 0 ? (error.message.split('\n')[0] ?? error.message) : error.message;
  return new ApiError(knownCodes.has(code) ? (code as ApiErrorCode) : 'INTERNAL', message, problems);
}
