import type { ViewerAuthenticator } from '../authenticator.ts';
import { TokenRefusedError } from '../token-refusal.ts';
import type { Viewer } from '../viewer.ts';

/**
 * Authenticates a credential again against the current state: signature and expiry, revocation
 * (of this token or one it derives from), every hop's status, the intent, the human still active.
 * The one re-validation for doors that outlive a call (streams, MCP sessions). Throws
 * TokenRefusedError; a stream opened with a token never continues without one.
 */
export async function recheckCredential(
  authenticator: ViewerAuthenticator,
  authorization: string | null,
): Promise<Viewer> {
  const viewer = await authenticator.authenticate(authorization);
  if (viewer.kind === 'anonymous') throw new TokenRefusedError('anonymous', 'authentication is required');
  return viewer;
}
