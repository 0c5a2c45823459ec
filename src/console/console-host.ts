/**
 * Which `Host` a request for the console's session may name. A browser's same-origin rule protects
 * origins, not addresses: a page on `rebind.attacker.example` whose name the attacker re-points to
 * 127.0.0.1 is same-origin with itself and reaches a service listening there. Its requests still
 * carry `Host: rebind.attacker.example`, so the console answers only to the names it is known by:
 * loopback, and the host of APERTURE_PUBLIC_URL (and of the OpenID redirect URL, where the
 * provider sends the browser back).
 */

const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A host name with an optional port; anything else (user info, paths, spaces) names no host. */
const hostPattern = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/** The name part of a `Host` header, lowercased; null when absent or malformed. */
export function hostName(host: string | null | undefined): string | null {
  const value = host?.trim().toLowerCase();
  if (!value || !hostPattern.test(value)) return null;
  return value.startsWith('[') ? value.slice(0, value.indexOf(']') + 1) : value.split(':')[0]!;
}

/** Whether `Host` names this machine's loopback: where development sign-in may answer. */
export function isLoopbackHost(host: string | null | undefined): boolean {
  const name = hostName(host);
  return name !== null && loopbackNames.has(name);
}

/** The names a deployment is reached by, from its configured URLs (ports do not matter). */
export function consoleHostNames(urls: readonly (string | null)[]): ReadonlySet<string> {
  const names = new Set(loopbackNames);
  for (const url of urls) if (url) names.add(new URL(url).hostname.toLowerCase());
  return names;
}

/** Whether `Host` is one of `names` (see consoleHostNames). */
export function isConsoleHost(host: string | null | undefined, names: ReadonlySet<string>): boolean {
  const name = hostName(host);
  return name !== null && names.has(name);
}

/** The one line a request to another name gets. */
export const wrongHostMessage =
  'the console answers only on loopback or on the host of APERTURE_PUBLIC_URL: set APERTURE_PUBLIC_URL to the address people reach the service at';
