/** RFC 6749 §5.2 / RFC 8693 §2.2.2 error codes. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_target';

/** A refused token request: the code and description the client sees. */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
  }

  /** invalid_client is a 401 (RFC 6749 §5.2); everything else a 400. */
  get status(): number {
    return this.code === 'invalid_client' ? 401 : 400;
  }
}
