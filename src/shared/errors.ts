/** Stable codes for expected failures; GraphQL exposes them as `extensions.code`. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

/** An expected failure with a stable code, safe to show to the caller. */
export class ApertureError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApertureError';
  }
}

/** One problem in an input file or document: where it is and what is wrong. */
export interface InputProblem {
  /** e.g. `nodes["model.shop.orders"].columns.id.data_type`, `row 12`, `line 3` */
  location: string;
  message: string;
}

/** Bad input: names the file (or input), each place and the reason. Nothing was changed. */
export class InvalidInputError extends ApertureError {
  constructor(
    readonly input: string,
    readonly problems: InputProblem[],
    options?: ErrorOptions,
  ) {
    const shown = problems.slice(0, 20).map((problem) => `  - ${problem.location}: ${problem.message}`);
    const more = problems.length > 20 ? [`  ... and ${problems.length - 20} more`] : [];
    super(
      'INVALID_INPUT',
      [`${input}: invalid input`, ...shown, ...more].join('\n'),
      { input, problems },
      options,
    );
    this.name = 'InvalidInputError';
  }
}
