/** Where the console starts when a sign-in names nowhere else. */
export const consoleHome = '/console/';

/**
 * Where the browser may be sent back to after signing in: a page of the console on this origin,
 * as a path (never a URL, `//host`, or a backslash a browser would read as one), never the API.
 * Anything else is null: no open redirect.
 */
export function safeReturnTo(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return consoleHome;
  if (
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.includes('\\') ||
    hasControlCharacter(value)
  ) {
    return null;
  }
  const base = 'http://return-to.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  const underConsole = url.pathname === '/console' || url.pathname.startsWith('/console/');
  if (!underConsole || url.pathname.startsWith('/console/api')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

function hasControlCharacter(value: string): boolean {
  return [...value].some((character) => {
    const code = character.codePointAt(0)!;
    return code < 0x20 || code === 0x7f;
  });
}
