import { timingSafeEqual } from 'node:crypto';
import { TokenRefusedError } from '../identity/token-refusal.ts';
import type { HumanViewer } from '../identity/viewer.ts';
import { isConsoleHost, wrongHostMessage } from './console-host.ts';
import { csrfHeaderName, readCookie, readCookies, sessionCookieName } from './session-cookie.ts';
import type { ConsoleSessions } from './sessions/console-sessions.ts';

/** The issuer a session's viewer names: the person signed in to the console. */
export const consoleIssuer = 'console';

/** What a request presents of a session: its `Cookie`, CSRF and `Host` headers. */
export interface PresentedSession {
  cookie: string | null;
  csrf: string | null;
  host: string | null;
}

/**
 * The console's cookie as a way into the API: the session's person as a human viewer, never an
 * agent. The cookie alone is not enough: every call must also carry the session's CSRF token in
 * `x-aperture-csrf`, which a page of another site cannot read nor send (the API takes JSON only,
 * so such a header forces a preflight that cross-origin callers fail), and name a host the
 * console is reached by (a rebound name is another site: see console-host.ts).
 */
export class ConsoleSessionAuthenticator {
  private readonly cookieName: string;

  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly options: { secureCookies: boolean; hostNames: ReadonlySet<string> },
  ) {
    this.cookieName = sessionCookieName(options.secureCookies);
  }

  /** Any cookie of the session's name, even two (which then authenticate nothing). */
  presentsSession(cookieHeader: string | null | undefined): boolean {
    return readCookies(cookieHeader, this.cookieName).length > 0;
  }

  authenticate(presented: PresentedSession): Promise<HumanViewer> {
    return this.check(presented, true);
  }

  /** For a stream the session opened: the same checks, but a stream is not the person's use. */
  recheck(presented: PresentedSession): Promise<HumanViewer> {
    return this.check(presented, false);
  }

  private async check(presented: PresentedSession, use: boolean): Promise<HumanViewer> {
    if (!isConsoleHost(presented.host, this.options.hostNames)) {
      throw new TokenRefusedError('console_host', wrongHostMessage);
    }
    const value = readCookie(presented.cookie, this.cookieName) ?? '';
    // Counted as use only once the call proved it is the page's (its CSRF token): a forged call
    // must not keep a session alive.
    const session = await this.sessions.resolve(value, { touch: false });
    if (!session) {
      throw new TokenRefusedError('session_ended', 'the console session has ended: sign in again');
    }
    if (!csrfMatches(presented.csrf, session.csrfToken)) {
      throw new TokenRefusedError(
        'csrf_mismatch',
        `a call with the console's session cookie must carry its CSRF token in the ${csrfHeaderName} header`,
      );
    }
    if (use) await this.sessions.touch(value, session);
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
