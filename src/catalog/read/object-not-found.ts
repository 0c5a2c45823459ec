import { ApertureError } from '../../shared/errors.ts';

/**
 * The one answer, through every door, for a path the caller may not discover and for one that
 * does not exist: the same code and the same words, so that no answer tells them apart.
 */
export function objectNotFound(path: string): ApertureError {
  return new ApertureError('NOT_FOUND', `no object has the path ${path}`);
}
