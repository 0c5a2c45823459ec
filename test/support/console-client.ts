import type { ConsoleSignIn } from './local-oidc-provider.ts';

/**
 * Posts a GraphQL document as the console page does: the session cookie, and the CSRF header
 * unless `csrfToken` is null (or another value is given, as a forger would).
 */
export async function consoleGraphql<T = Record<string, unknown>>(
  serviceUrl: string,
  signIn: ConsoleSignIn,
  query: string,
  variables: Record<string, unknown> = {},
  options: { csrfToken?: string | null; authorization?: string } = {},
): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const csrfToken = options.csrfToken === undefined ? signIn.csrfToken : options.csrfToken;
  const response = await fetch(`${serviceUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      cookie: signIn.cookie,
      ...(csrfToken === null ? {} : { 'x-aperture-csrf': csrfToken }),
      ...(options.authorization ? { authorization: options.authorization } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

/** Signs in as a person through the development sign-in (development mode only), as the page's button does. */
export async function devSignIn(serviceUrl: string, email: string): Promise<ConsoleSignIn> {
  const signIn = await fetch(`${serviceUrl}/console/api/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!signIn.ok) throw new Error(`development sign-in as ${email}: ${signIn.status} ${await signIn.text()}`);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  const session = await fetch(`${serviceUrl}/console/api/session`, { headers: { cookie } });
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}
