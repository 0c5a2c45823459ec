import type http from 'node:http';
import { refuse, sendNoContent } from '../http/answers.ts';
import { csrfMatches } from '../session-authenticator.ts';
import { clearedSessionCookie, csrfHeaderName, readCookie, sessionCookieName } from '../session-cookie.ts';
import { type ConsoleApiContext, currentSession, secureCookies } from './console-api-context.ts';

/**
 * `POST /console/api/sign-out` with the CSRF header: the session ends on every replica and the
 * cookie is cleared. Without the header (or with another) a live session stays as it is.
 */
export async function signOutRoute(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const session = await currentSession(context, request);
  if (session && !csrfMatches(singleHeader(request.headers[csrfHeaderName]), session.csrfToken)) {
    return refuse(
      response,
      403,
      'FORBIDDEN',
      `signing out needs the session's CSRF token in the ${csrfHeaderName} header`,
    );
  }
  const value = readCookie(request.headers.cookie, sessionCookieName(secureCookies(context)));
  if (value) await context.sessions.end(value);
  if (session) context.logger.info({ human: session.human.email }, 'console: signed out');
  sendNoContent(response, [clearedSessionCookie(secureCookies(context))]);
}

function singleHeader(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}
