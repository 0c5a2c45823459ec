/**
 * The console's session cookie: a random value only, no token the page could read or replay
 * elsewhere. Over https its name has the `__Host-` prefix: browsers take such a cookie only when
 * Secure, with Path=/ and no Domain, so a sibling subdomain cannot set one for us. Plain http
 * (loopback in development) cannot have it. Only the name that applies is ever read.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-aperture_console' : 'aperture_console';
}

/** The header a cookie-authenticated call must carry: the session's CSRF token. */
export const csrfHeaderName = 'x-aperture-csrf';

/**
 * The value of cookie `name` in a `Cookie` header; undefined when absent, and when it is there
 * more than once: which of two same-named cookies is ours cannot be told, so neither is taken.
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  const values = readCookies(header, name);
  return values.length === 1 ? values[0] : undefined;
}

/** Every value of cookie `name` in a `Cookie` header (a browser may send several). */
export function readCookies(header: string | null | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) values.push(part.slice(separator + 1).trim());
  }
  return values;
}

export interface CookieAttributes {
  path: string;
  sameSite: 'Strict' | 'Lax';
  /** Set when the service is reached over https. */
  secure: boolean;
  /** Seconds; 0 clears the cookie. */
  maxAgeSeconds: number;
}

/** A `Set-Cookie` value; always HttpOnly. Values are base64url or JSON made so: nothing to escape. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  return [
    `${name}=${value}`,
    `Path=${attributes.path}`,
    `Max-Age=${attributes.maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${attributes.sameSite}`,
    ...(attributes.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The session cookie: HttpOnly, SameSite=Strict (no other site's page or link sends it), Path=/. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return serializeCookie(sessionCookieName(secure), value, {
    path: '/',
    sameSite: 'Strict',
    secure,
    maxAgeSeconds,
  });
}

/** Clears the session cookie (sign-out, an ended session). */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
