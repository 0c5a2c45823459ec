import type http from 'node:http';
import { isGovernance } from '../../identity/governance.ts';
import { sendJson } from '../http/answers.ts';
import { consoleIssuer } from '../session-authenticator.ts';
import { clearedSessionCookie } from '../session-cookie.ts';
import {
  type ConsoleApiContext,
  currentSession,
  presentedSessionValues,
  secureCookies,
  signInMethods,
} from './console-api-context.ts';

/**
 * `GET /console/api/session`: who is signed in (the person, their roles, the CSRF token the page
 * sends with every call) or 401 with the ways to sign in. A stale cookie is cleared. Only a page
 * of our own origin can read the answer (no CORS), and the cookie is SameSite=Strict.
 */
export async function sessionRoute(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const session = await currentSession(context, request);
  if (!session) {
    const stale = presentedSessionValues(context, request).length > 0;
    sendJson(
      response,
      401,
      { signInMethods: signInMethods(context, request) },
      stale ? [clearedSessionCookie(secureCookies(context))] : [],
    );
    return;
  }
  const { human } = session;
  const viewer = { kind: 'human', human, issuer: consoleIssuer, expiresAt: session.expiresAt } as const;
  sendJson(response, 200, {
    person: { name: human.name, email: human.email, title: human.title, department: human.department },
    roles: { governance: isGovernance(viewer, context.governanceGroup) },
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt.toISOString(),
    signInMethods: signInMethods(context, request),
  });
}
