import type http from 'node:http';
import type { PrismaClient } from '../../db/open-database.ts';
import type { PersonKey, PersonState } from '../../identity/state/identity-state.ts';
import type { Logger } from '../../logging/logger.ts';
import { publicOrigin } from '../../server/resource-urls.ts';
import { isLoopbackHost } from '../console-host.ts';
import type { OidcSignIn } from '../oidc/oidc-sign-in.ts';
import { readCookie, readCookies, sessionCookie, sessionCookieName } from '../session-cookie.ts';
import type { ConsoleSessions, ResolvedSession } from '../sessions/console-sessions.ts';

/** The path prefix of the console's API; the console's pages live beside it under /console. */
export const consoleApiPath = '/console/api';

export const oidcCallbackPath = `${consoleApiPath}/oidc/callback`;

export type SignInMethod = 'development' | 'oidc';

/** What the console's routes need, wired by the composition root. */
export interface ConsoleApiContext {
  prisma: PrismaClient;
  sessions: ConsoleSessions;
  /** The people store (identity state). */
  people: { person(key: PersonKey): Promise<PersonState | null> };
  governanceGroup: string;
  /** Development sign-in (pick a person): only while the development issuer is on. */
  devSignIn: boolean;
  /** Null: no OpenID Connect sign-in configured. */
  oidc: OidcSignIn | null;
  /** The configured redirect URL; null: derived from the public URL. */
  oidcRedirectUrl: string | null;
  publicUrl: string | null;
  sessionSeconds: number;
  logger: Logger;
}

/** The ways to sign in this request may use: development sign-in only on loopback (see console-host.ts). */
export function signInMethods(context: ConsoleApiContext, request: http.IncomingMessage): SignInMethod[] {
  const development = context.devSignIn && isLoopbackHost(request.headers.host);
  return [...(development ? ['development' as const] : []), ...(context.oidc ? ['oidc' as const] : [])];
}

/** Cookies are Secure when the service is reached over https. */
export function secureCookies(context: ConsoleApiContext): boolean {
  return context.publicUrl?.startsWith('https:') ?? false;
}

export function oidcRedirectUrl(context: ConsoleApiContext, request: http.IncomingMessage): string {
  return (
    context.oidcRedirectUrl ?? `${publicOrigin(request.headers.host, context.publicUrl)}${oidcCallbackPath}`
  );
}

/** The session a request's cookie names, if it still holds. */
export function currentSession(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
): Promise<ResolvedSession | null> {
  const value = readCookie(request.headers.cookie, sessionCookieName(secureCookies(context)));
  return value ? context.sessions.resolve(value) : Promise.resolve(null);
}

/** Every session cookie value a request carries (normally one; two are ambiguous, see readCookie). */
export function presentedSessionValues(context: ConsoleApiContext, request: http.IncomingMessage): string[] {
  return readCookies(request.headers.cookie, sessionCookieName(secureCookies(context)));
}

/**
 * Ends every session the request's cookies name. A new sign-in does it first: one browser, one
 * session, and a session planted in the browser before does not outlive the sign-in.
 */
export async function endPresentedSessions(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
): Promise<void> {
  for (const value of presentedSessionValues(context, request)) await context.sessions.end(value);
}

/**
 * Signs a person in: a new session and the cookie that carries it. Only for an ACTIVE person of
 * the people store; agents are not people and have no way here (no route takes a token). Any
 * session the browser still presents ends first.
 */
export async function openSession(
  context: ConsoleApiContext,
  request: http.IncomingMessage,
  person: PersonState,
  signedInVia: string,
): Promise<string> {
  await endPresentedSessions(context, request);
  const created = await context.sessions.create(person.id, signedInVia);
  context.logger.info({ human: person.email, signedInVia }, 'console: signed in');
  return sessionCookie(created.cookieValue, context.sessionSeconds, secureCookies(context));
}
