import { z } from 'zod';
import { safeReturnTo } from '../return-to.ts';
import { serializeCookie } from '../session-cookie.ts';
import type { PendingSignIn } from './oidc-sign-in.ts';

/**
 * Kept by the browser between leaving for the provider and coming back. Over https it has the
 * `__Host-` prefix (Secure, Path=/, no Domain), like the session cookie: a sibling subdomain
 * cannot plant one (its own sign-in's state, verifier and nonce) for a login CSRF. Plain http
 * (loopback in development) keeps the plain name, sent only to the sign-in's own routes.
 */
export function pendingCookieName(secure: boolean): string {
  return secure ? '__Host-aperture_console_oidc' : 'aperture_console_oidc';
}

function pendingCookiePath(secure: boolean): string {
  return secure ? '/' : '/console/api/oidc';
}

/** Long enough to type a password and answer a second factor; a sign-in is not a session. */
const pendingSeconds = 600;

const pendingSchema = z
  .object({
    state: z.string().min(1).max(200),
    verifier: z.string().min(43).max(128),
    nonce: z.string().min(1).max(200),
    returnTo: z.string().max(2_000),
  })
  .strict();

/**
 * The pending sign-in, bound to this browser: an httpOnly cookie, SameSite=Lax because the
 * provider sends the browser back with a top-level navigation from its own site. It is what makes
 * login CSRF impossible: an answer the provider gave another browser (the attacker's code and
 * state) finds no matching state here. A signature would add nothing: a cookie-writer could plant
 * one minted for their own sign-in just as well. What stops that is the `__Host-` name over https;
 * and every value in it is checked again at the callback.
 */
export function pendingCookie(pending: PendingSignIn, secure: boolean): string {
  const value = Buffer.from(JSON.stringify(pending)).toString('base64url');
  return serializeCookie(pendingCookieName(secure), value, {
    path: pendingCookiePath(secure),
    sameSite: 'Lax',
    secure,
    maxAgeSeconds: pendingSeconds,
  });
}

export function clearedPendingCookie(secure: boolean): string {
  return serializeCookie(pendingCookieName(secure), '', {
    path: pendingCookiePath(secure),
    sameSite: 'Lax',
    secure,
    maxAgeSeconds: 0,
  });
}

/** The pending sign-in a cookie value holds; null when absent, malformed or pointing off the console. */
export function readPending(value: string | undefined): PendingSignIn | null {
  if (!value || value.length > 4_000) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const result = pendingSchema.safeParse(parsed);
  if (!result.success) return null;
  const returnTo = safeReturnTo(result.data.returnTo);
  return returnTo === null ? null : { ...result.data, returnTo };
}
