import { errors as joseErrors } from 'jose';
import { ApertureError } from '../shared/errors.ts';
import type { DelegationProblemKind } from './tokens/check-delegation-state.ts';

/** Why a bearer token was refused: logged with the request (never the token), for operators. */
export type TokenRefusalReason =
  | 'malformed_header'
  | 'too_large'
  | 'not_a_jwt'
  | 'untrusted_issuer'
  | 'not_for_api'
  | 'exchange_only'
  | 'api_only'
  | 'bad_algorithm'
  | 'bad_signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_type'
  | 'malformed_claims'
  | 'no_identity_claim'
  | 'unverified_email'
  | 'email_domain_not_allowed'
  | 'revoked'
  | 'older_than_intent_allows'
  | 'inactive_person'
  | 'anonymous'
  /** The console's session cookie names no live session. */
  | 'session_ended'
  /** A call with the console's session cookie lacks its CSRF header, or carries another. */
  | 'csrf_mismatch'
  /** A call with the console's session cookie names a host the console is not reached by (DNS rebinding). */
  | 'console_host'
  | DelegationProblemKind;

/**
 * A refused credential: UNAUTHENTICATED with our message for the caller, and a reason code for the
 * log. Library messages (jose's "unexpected \"aud\" claim value") never reach the caller.
 */
export class TokenRefusedError extends ApertureError {
  constructor(
    readonly reason: TokenRefusalReason,
    message: string,
  ) {
    super('UNAUTHENTICATED', message);
    this.name = 'TokenRefusedError';
  }
}

/** Our reason and message for an error of jose's verification; `what` names the token ("the identity token"). */
export function joseRefusal(error: unknown, what: string): TokenRefusedError {
  const refuse = (reason: TokenRefusalReason, problem: string) =>
    new TokenRefusedError(reason, `${what} ${problem}`);
  if (error instanceof joseErrors.JWTExpired) return refuse('expired', 'has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return refuse('wrong_audience', 'is not meant for this service');
      case 'iss':
        return refuse('wrong_issuer', 'comes from another issuer');
      case 'nbf':
      case 'iat':
        return refuse('not_yet_valid', 'is not valid yet');
      case 'typ':
        return refuse('wrong_type', 'is not an access token');
      default:
        return refuse('malformed_claims', 'has missing or malformed claims');
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
    return refuse('bad_algorithm', 'is signed with an algorithm that is not accepted');
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return refuse('unknown_key', 'is signed with an unknown key');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return refuse('bad_signature', 'has an invalid signature');
  }
  return refuse('not_a_jwt', 'is not a valid JWT');
}
