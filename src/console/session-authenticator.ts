import { timingSafeEqual } from 'node:crypto';
import { TokenRefusedError } from '../identity/token-refusal.ts';
import type { HumanViewer } from '../identity/viewer.ts';
import { csrfHeaderName, readCookie, sessionCookieName } from './session-cookie.ts';
import type { ConsoleSessions } from './sessions/console-sessions.ts';

/** The issuer a session's viewer names: the person signed in to the console. */
export const consoleIssuer = 'console';

/**
 * The console's cookie as a way into the API: the session's person as a human viewer, never an
 * agent. The cookie alone is not enough: every call must also carry the session's CSRF token in
 * `x-aperture-csrf`, which a page of another site cannot read nor send (the API takes JSON only,
 * so such a header forces a preflight that cross-origin callers fail).
 */
export class ConsoleSessionAuthenticator {
  constructor(private readonly sessions: ConsoleSessions) {}

  presentsSession(cookieHeader: string | null | undefined): boolean {
    return Boolean(readCookie(cookieHeader, sessionCookieName));
  }

  async authenticate(cookieHeader: string | null, csrfHeader: string | null): Promise<HumanViewer> {
    const session = await this.sessions.resolve(readCookie(cookieHeader, sessionCookieName) ?? '');
    if (!session) {
      throw new TokenRefusedError('session_ended', 'the console session has ended: sign in again');
    }
    if (!csrfMatches(csrfHeader, session.csrfToken)) {
      throw new TokenRefusedError(
        'csrf_mismatch',
        `a call with the console's session cookie must carry its CSRF token in the ${csrfHeaderName} header`,
      );
    }
    return { kind: 'human', human: session.human, issuer: consoleIssuer, expiresAt: session.expiresAt };
  }
}

/** Constant-time: how much of the token a guess got right must not show in the answer's timing. */
export function csrfMatches(presented: string | null | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
