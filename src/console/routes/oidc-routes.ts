import type http from 'node:http';
import { notFound, refuse, sendRedirect } from '../http/answers.ts';
import { SignInRefused } from '../oidc/oidc-sign-in.ts';
import {
  clearedPendingCookie,
  pendingCookie,
  pendingCookieName,
  readPending,
} from '../oidc/pending-cookie.ts';
import { consoleHome, safeReturnTo } from '../return-to.ts';
import { readCookie } from '../session-cookie.ts';
import {
  type ConsoleApiContext,
  endPresentedSessions,
  oidcRedirectUrl,
  openSession,
  secureCookies,
} from './console-api-context.ts';

/**
 * `GET /console/api/oidc/start?returnTo=/console/...`: off to the identity provider
 * (authorization code, PKCE S256, state, nonce), the pending sign-in kept in this browser.
 * A `returnTo` off the console (another site, `//host`, the API) is refused: no open redirect.
 */
export async function oidcStartRoute(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  if (!context.oidc) return notFound(response);
  const query = new URLSearchParams((request.url ?? '').split('?')[1] ?? '');
  const returnTo = safeReturnTo(query.get('returnTo'));
  if (returnTo === null) {
    return refuse(response, 400, 'INVALID_INPUT', 'returnTo must be a path of the console (/console/...)');
  }
  let started: Awaited<ReturnType<typeof context.oidc.start>>;
  try {
    started = await context.oidc.start(oidcRedirectUrl(context, request), returnTo);
  } catch (error) {
    context.logger.warn(
      { problem: describe(error), issuer: context.oidc.issuer },
      'console: the identity provider is unreachable',
    );
    return sendRedirect(response, signInErrorPage('provider_unavailable'));
  }
  // The provider's answer comes back by a cross-site navigation, which carries no SameSite=Strict
  // session cookie: a session this browser still has ends here, as the sign-in starts.
  await endPresentedSessions(context, request);
  sendRedirect(response, started.url.href, [pendingCookie(started.pending, secureCookies(context))]);
}

/**
 * `GET /console/api/oidc/callback`: the provider's answer, checked against the sign-in this
 * browser started, redeemed for an ID token whose claim must name an ACTIVE person. Then a
 * session, and back to where the sign-in started. Any failure is a calm page of the console
 * (`/console/?signInError=<code>`) and no session.
 */
export async function oidcCallbackRoute(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  if (!context.oidc) return notFound(response);
  const secure = secureCookies(context);
  const cleared = clearedPendingCookie(secure);
  const pending = readPending(readCookie(request.headers.cookie, pendingCookieName(secure)));
  if (!pending) return sendRedirect(response, signInErrorPage('sign_in_expired'), [cleared]);
  const callbackUrl = new URL(oidcRedirectUrl(context, request));
  callbackUrl.search = (request.url ?? '').split('?')[1] ?? '';
  let key: Awaited<ReturnType<typeof context.oidc.finish>>;
  try {
    key = await context.oidc.finish(callbackUrl, pending);
  } catch (error) {
    const code = error instanceof SignInRefused ? error.code : 'provider_unavailable';
    context.logger.info(
      {
        problem: describe(error instanceof SignInRefused ? (error.cause ?? error) : error),
        issuer: context.oidc.issuer,
        code,
      },
      'console: sign-in refused',
    );
    return sendRedirect(response, signInErrorPage(code), [cleared]);
  }
  const person = await context.people.person(key);
  if (!person?.active) {
    context.logger.info({ issuer: context.oidc.issuer }, 'console: sign-in names no active person');
    return sendRedirect(response, signInErrorPage('unknown_person'), [cleared]);
  }
  const session = await openSession(context, request, person, context.oidc.issuer);
  sendRedirect(response, pending.returnTo, [cleared, session]);
}

function signInErrorPage(code: string): string {
  return `${consoleHome}?signInError=${encodeURIComponent(code)}`;
}

/**
 * What the log says of a failed sign-in: the error's name and message only. Library errors carry
 * the provider's answers in their causes (tokens among them), which a log must never hold.
 */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
