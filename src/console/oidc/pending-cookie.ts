import { z } from 'zod';
import { safeReturnTo } from '../return-to.ts';
import { serializeCookie } from '../session-cookie.ts';
import type { PendingSignIn } from './oidc-sign-in.ts';

/** Kept by the browser between leaving for the provider and coming back. */
export const pendingCookieName = 'aperture_console_oidc';

/** Sent only to the sign-in's own routes. */
const pendingCookiePath = '/console/api/oidc';

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
 * state) finds no matching state here. It needs no signature: whoever could write our cookies
 * could plant a session cookie just as well, and every value in it is checked again at the callback.
 */
export function pendingCookie(pending: PendingSignIn, secure: boolean): string {
  const value = Buffer.from(JSON.stringify(pending)).toString('base64url');
  return serializeCookie(pendingCookieName, value, {
    path: pendingCookiePath,
    sameSite: 'Lax',
    secure,
    maxAgeSeconds: pendingSeconds,
  });
}

export function clearedPendingCookie(secure: boolean): string {
  return serializeCookie(pendingCookieName, '', {
    path: pendingCookiePath,
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
