import { ApertureError } from '../../shared/errors.ts';

/**
 * The one answer for a path the caller may not discover and for one that does not exist: the same
 * code and text (as request_access and GraphQL give), so a tool never tells them apart.
 */
export function noObject(path: string): ApertureError {
  return new ApertureError('NOT_FOUND', `no object has the path ${path}`);
}
