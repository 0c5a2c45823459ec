import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (`oidc-provider`) on loopback, for the console's sign-in: one
 * client (authorization code, PKCE required, a secret), any email signs in as the account of that
 * email (its `email` claim, verified), and its development interactions (a login form and a
 * consent form) are completed with plain form posts.
 */
export class LocalOidcProvider {
  readonly clientId = 'aperture-console';
  readonly clientSecret = 'local-oidc-provider-client-secret';
  private provider: Provider | undefined;
  private redirectUris: string[] = [];
  /** Claims that replace an account's defaults (e.g. an unverified email). */
  private readonly claimOverrides = new Map<string, Record<string, unknown>>();

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    private readonly ProviderClass: typeof Provider,
  ) {}

  /** Starts on a free loopback port; `redirectUris` may be given now or later (`allowRedirect`). */
  static async start(redirectUris: string[] = []): Promise<LocalOidcProvider> {
    providerClass ??= withoutQuickStartWarnings(async () => (await import('oidc-provider')).default);
    const ProviderClass = await providerClass;
    let local: LocalOidcProvider | undefined;
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      if (!local?.provider) {
        response.writeHead(503).end();
        return;
      }
      void local.provider.callback()(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    local = new LocalOidcProvider(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      ProviderClass,
    );
    local.redirectUris = redirectUris;
    local.build();
    return local;
  }

  /** Registers a redirect URI of the client (the service's callback, once its port is known). */
  allowRedirect(uri: string): void {
    if (this.redirectUris.includes(uri)) return;
    this.redirectUris = [...this.redirectUris, uri];
    this.build();
  }

  /** Makes the provider say more or other things of `account` (e.g. `{ email_verified: false }`). */
  setClaims(account: string, claims: Record<string, unknown>): void {
    this.claimOverrides.set(account, claims);
  }

  /** `APERTURE_CONSOLE_OIDC` for a service that signs people in with this provider. */
  consoleSetting(overrides: Record<string, unknown> = {}): string {
    return JSON.stringify({
      issuer: this.issuer,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      claim: 'email',
      ...overrides,
    });
  }

  /**
   * Plays the browser at the provider: from the authorization URL the service redirected to,
   * signs in as `account` (an email) through the login and consent forms, and returns where the
   * provider sends the browser back (the service's callback with `code` and `state`).
   */
  async completeLogin(authorizationUrl: string, account: string): Promise<string> {
    const jar = new Map<string, string>();
    let url = authorizationUrl;
    for (let step = 0; step < 12; step += 1) {
      if (!url.startsWith(this.issuer)) return url;
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(jar) } });
      keepCookies(jar, response);
      const location = response.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const page = await response.text();
      if (response.status !== 200) throw new Error(`the provider answered ${response.status}: ${page}`);
      const prompt =
        /name="prompt" value="(\w+)"/.exec(page)?.[1] ?? (page.includes('name="login"') ? 'login' : '');
      const form = new URLSearchParams({ prompt });
      if (prompt === 'login') {
        form.set('login', account);
        form.set('password', 'any');
      }
      const submitted = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      keepCookies(jar, submitted);
      const next = submitted.headers.get('location');
      if (!next)
        throw new Error(
          `the provider's ${prompt} form answered ${submitted.status}: ${await submitted.text()}`,
        );
      url = new URL(next, url).href;
    }
    throw new Error('the provider never sent the browser back');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private build(): void {
    this.provider = withoutQuickStartWarnings(() => this.newProvider());
  }

  private newProvider(): Provider {
    return new this.ProviderClass(this.issuer, {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: this.redirectUris.length > 0 ? this.redirectUris : ['http://127.0.0.1/unused'],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      findAccount: (_context, id) => ({
        accountId: id,
        claims: () => ({ sub: id, email: id, email_verified: true, ...this.claimOverrides.get(id) }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      cookies: { keys: ['local-oidc-provider-cookie-key'] },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Session: 3_600, Grant: 3_600, AccessToken: 600, IdToken: 600 },
      features: { devInteractions: { enabled: true } },
    });
  }
}

let providerClass: Promise<typeof Provider> | undefined;

/**
 * Runs `work` without oidc-provider's start-up warnings (the runtime, its in-memory adapter and
 * keys, its development interactions): all true, all intended for a provider that lives for a test.
 */
function withoutQuickStartWarnings<T>(work: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING')) return;
    warn(...args);
  };
  const restore = () => {
    console.warn = warn;
  };
  try {
    const result = work();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}

/** The console's cookie and CSRF token after a sign-in: what the page would hold. */
export interface ConsoleSignIn {
  /** A `Cookie` header value carrying the session cookie. */
  cookie: string;
  csrfToken: string;
}

/**
 * Signs `email` in to the console of the service at `serviceUrl` through `provider`, as a
 * browser would (redirects followed by hand, cookies carried), and returns the session's cookie
 * and CSRF token. The provider must allow the service's callback (`allowRedirect`).
 */
export async function signInThroughOidc(
  serviceUrl: string,
  provider: LocalOidcProvider,
  email: string,
  returnTo = '/console/',
): Promise<ConsoleSignIn> {
  const browser = new Map<string, string>();
  const start = await fetch(`${serviceUrl}/console/api/oidc/start?returnTo=${encodeURIComponent(returnTo)}`, {
    redirect: 'manual',
  });
  keepCookies(browser, start);
  const authorizationUrl = start.headers.get('location');
  if (start.status !== 302 || !authorizationUrl) throw new Error(`oidc/start answered ${start.status}`);
  const callback = await provider.completeLogin(authorizationUrl, email);
  const back = await fetch(callback, { redirect: 'manual', headers: { cookie: cookieHeader(browser) } });
  keepCookies(browser, back);
  const session = browser.get('aperture_console');
  if (!session)
    throw new Error(`the callback set no session: ${back.status} ${back.headers.get('location')}`);
  const cookie = `aperture_console=${session}`;
  const answer = await fetch(`${serviceUrl}/console/api/session`, { headers: { cookie } });
  const body = (await answer.json()) as { csrfToken?: string };
  if (!body.csrfToken) throw new Error(`the session answered ${answer.status}`);
  return { cookie, csrfToken: body.csrfToken };
}

/** Keeps the cookies an answer sets (a cleared one is dropped), ignoring paths: one site per jar. */
export function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const setCookie of response.headers.getSetCookie()) {
    const [pair = ''] = setCookie.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    if (value === '' || /max-age=0\b/i.test(setCookie) || /expires=thu, 01 jan 1970/i.test(setCookie)) {
      jar.delete(name);
    } else {
      jar.set(name, value);
    }
  }
}

export function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}
