import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RunningService } from '../../../../src/app/start-service.ts';
import {
  type ConsoleSignIn,
  LocalOidcProvider,
  signInThroughOidc,
} from '../../../support/local-oidc-provider.ts';
import { exchangeToken } from '../../../support/oauth-client.ts';
import { type RequestWorld, worldAround } from '../../../support/requests-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../../../support/test-database.ts';
import { TestIdentityProvider } from '../../../support/test-identity-provider.ts';
import { startTestService } from '../../../support/test-service.ts';
import { loadCompany } from './company.ts';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where every page's screenshot goes (`console-<page>.png`): the README takes its pictures from here. */
export const screenshotsDir =
  process.env.APERTURE_SCREENSHOTS_DIR ?? path.join(tmpdir(), 'aperture-console-screenshots');

export const laptop = { width: 1400, height: 900 } as const;

/** The console's menu: everyone's pages, then governance's. */
export const personMenu = ['My agents', 'Inbox'] as const;
export const governanceMenu = [
  ...personMenu,
  'Overview',
  'Suggestions',
  'Policies and rules',
  'Agents',
  'Gateways',
  'Audit',
  'Explain',
] as const;
export const phone = { width: 390, height: 844 } as const;

export interface Client {
  clientId: string;
  clientSecret: string;
}

/** A test file's world: the company on its own database, the service, the two identity providers, a browser. */
export interface ConsoleWorld {
  readonly db: TestDatabase;
  /** Signs the tokens people hand to their agents (and people's own API tokens). */
  readonly idp: TestIdentityProvider;
  /** The OpenID provider people sign in to the console with (a real `oidc-provider`). */
  readonly oidc: LocalOidcProvider;
  readonly service: RunningService;
  readonly world: RequestWorld;
  readonly browser: Browser;
  /** A governance lead's token (Gina), for setting the scene through the API. */
  readonly governanceToken: string;
  /** Registers an agent (owned by `owner`, default Ana), or a sub-agent of `parent`. */
  registerAgent(input: {
    name: string;
    owner?: string;
    description?: string;
    parent?: Client;
    intents?: string[];
  }): Promise<Client>;
  /** A delegation: `email` hands `agent` a token for `intent` (default analytics), maybe for a task. */
  delegate(agent: Client, email: string, options?: { intent?: string; taskId?: string }): Promise<string>;
  /** A sub-agent's token, derived from its parent's. */
  subDelegate(child: Client, parentToken: string, intent?: string): Promise<string>;
  /** A console page of its own browser context, signed in as `email` (through the OpenID provider). */
  openSignedIn(email: string, options?: PageOptions): Promise<ConsolePage>;
  openPage(options?: PageOptions): Promise<ConsolePage>;
}

export function useConsoleWorld(setUp?: (world: ConsoleWorld) => Promise<void>): ConsoleWorld {
  let db: TestDatabase | undefined;
  let idp: TestIdentityProvider | undefined;
  let oidc: LocalOidcProvider | undefined;
  let service: RunningService | undefined;
  let world: RequestWorld | undefined;
  let browser: Browser | undefined;
  let governanceToken = '';
  const consoleWorld: ConsoleWorld = {
    get db() {
      return db!;
    },
    get idp() {
      return idp!;
    },
    get oidc() {
      return oidc!;
    },
    get service() {
      return service!;
    },
    get world() {
      return world!;
    },
    get browser() {
      return browser!;
    },
    get governanceToken() {
      return governanceToken;
    },
    async registerAgent(input) {
      return world!.governance.registerAgent({
        name: input.name,
        ownerEmail: input.owner ?? 'ana@acme.test',
        allowedIntents: input.intents ?? ['analytics'],
        maxDelegationDepth: input.parent ? 0 : 1,
        ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
        ...(input.description ? { description: input.description } : {}),
        ...(input.parent ? { parentClientId: input.parent.clientId } : {}),
      });
    },
    async delegate(agent, email, options = {}) {
      const exchanged = await exchangeToken(service!.url, agent, {
        subject_token: await idp!.subjectToken(email),
        intent: options.intent ?? 'analytics',
        ...(options.taskId ? { task_id: options.taskId } : {}),
      });
      if (!exchanged.body.access_token) throw new Error(JSON.stringify(exchanged.body));
      return exchanged.body.access_token;
    },
    async subDelegate(child, parentToken, intent = 'analytics') {
      const exchanged = await exchangeToken(service!.url, child, { subject_token: parentToken, intent });
      if (!exchanged.body.access_token) throw new Error(JSON.stringify(exchanged.body));
      return exchanged.body.access_token;
    },
    async openSignedIn(email, options = {}) {
      const opened = await openConsolePage(browser!, service!, options);
      const signedIn = await signInThroughOidc(service!.url, oidc!, email);
      await opened.context.addCookies([
        {
          name: 'aperture_console',
          value: signedIn.cookie.slice('aperture_console='.length),
          url: service!.url,
          httpOnly: true,
          sameSite: 'Strict',
        },
      ]);
      opened.signIn = signedIn;
      return opened;
    },
    openPage: (options = {}) => openConsolePage(browser!, service!, options),
  };
  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `Chromium is not installed at ${chromiumPath}: these tests drive a real browser. ` +
          "Install Debian's: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH.",
      );
    }
    await mkdir(path.join(screenshotsDir, 'last'), { recursive: true });
    const [database, provider, signInProvider, launched] = await Promise.all([
      createTestDatabase(),
      TestIdentityProvider.create(),
      LocalOidcProvider.start(),
      chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] }),
    ]);
    db = database;
    idp = provider;
    oidc = signInProvider;
    browser = launched;
    await loadCompany(db.prisma);
    service = await startTestService(db, {
      providers: [await idp.serveJwks()],
      env: { APERTURE_CONSOLE_OIDC: oidc.consoleSetting(), APERTURE_JOB_POLL_MS: '50' },
    });
    oidc.allowRedirect(`${service.url}/console/api/oidc/callback`);
    world = await worldAround(service, idp);
    governanceToken = await idp.token('gina@acme.test');
    await setUp?.(consoleWorld);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await oidc?.close();
    await idp?.close();
    await db?.dispose();
  });
  return consoleWorld;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Origins besides the service's the browser may reach (the identity provider's pages). */
  allowOrigins?: string[];
}

/** A browser page of its own context, every request recorded; what it should never do, collected. */
export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Requests to origins other than the service's (and the allowed ones): aborted and listed. */
  elsewhere: string[];
  /** Uncaught page errors and Content-Security-Policy violations. */
  problems: string[];
  /** The session's cookie and CSRF token, when opened signed in. */
  signIn?: ConsoleSignIn;
  /** Opens a page of the console (`/`, `/inbox`, ...) and waits for its main heading. */
  visit(consolePath: string, heading: string | RegExp): Promise<void>;
  /** Fails the test on any page error or request to another origin. */
  expectClean(): void;
  /** Keeps a picture of the page as it was last (in `last/` of the screenshots folder), then closes it. */
  close(): Promise<void>;
}

export async function openConsolePage(
  browser: Browser,
  service: RunningService,
  options: PageOptions = {},
): Promise<ConsolePage> {
  const origin = new URL(service.url).origin;
  const allowed = new Set([origin, ...(options.allowOrigins ?? [])]);
  const context = await browser.newContext({ viewport: options.viewport ?? laptop });
  const elsewhere: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (allowed.has(new URL(url).origin)) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  // What went wrong on the wire, for the message of a page that never showed (see `visit`).
  const failedRequests: string[] = [];
  page.on('requestfailed', (request) =>
    failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return {
    context,
    page,
    elsewhere,
    problems,
    async visit(consolePath, heading) {
      const started = performance.now();
      failedRequests.length = 0;
      await page.goto(`${service.url}/console${consolePath}`);
      try {
        await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
      } catch (error) {
        // A page that never showed: say what it showed instead and what failed on the way.
        const shown = await page
          .evaluate(() => document.body.innerText.replace(/\s+/g, ' ').slice(0, 400))
          .catch((reason: unknown) => `(unreadable: ${String(reason)})`);
        throw new Error(
          [
            `${consolePath} showed no heading "${String(heading)}" within ${Math.round(performance.now() - started)} ms`,
            `the page showed: ${shown}`,
            `failed requests: ${failedRequests.join('; ') || 'none'}`,
            `page errors: ${problems.join('; ') || 'none'}`,
          ].join('\n'),
          { cause: error },
        );
      }
    },
    expectClean() {
      expect(problems, 'page errors').toEqual([]);
      expect(elsewhere, 'requests to other origins').toEqual([]);
    },
    async close() {
      // What the page showed last, also when an expectation failed: the first thing to look at.
      const test = (expect.getState().currentTestName ?? 'page').replace(/[^\w-]+/g, '-').slice(0, 120);
      await page.screenshot({ path: path.join(screenshotsDir, 'last', `${test}.png`) }).catch(() => {});
      await context.close();
    },
  };
}

/** Writes `console-<name>.png` (the viewport, as a person sees it) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotsDir, `console-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Runs a GraphQL document from inside the signed-in page, as the console's own code does. */
export function graphqlFromPage(
  page: Page,
  query: string,
  variables: Record<string, unknown> = {},
  options: { csrf?: boolean } = {},
): Promise<{
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}> {
  return page.evaluate(
    async ({ query, variables, csrf }) => {
      const session = (await (await fetch('/console/api/session', { cache: 'no-store' })).json()) as {
        csrfToken?: string;
      };
      const response = await fetch('/graphql', {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(csrf && session.csrfToken ? { 'x-aperture-csrf': session.csrfToken } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    { query, variables, csrf: options.csrf ?? true },
  );
}

/**
 * On a phone (open the page with `viewport: phone`): each page of `pages` opens, fits the screen's
 * width (the page never scrolls sideways), and every entry of the menu can be brought into view
 * and is the right link. Each page's picture is `console-phone-<name>.png`.
 */
export async function expectFitsPhone(
  opened: ConsolePage,
  pages: readonly { path: string; heading: string; name: string; ready?: (page: Page) => Promise<void> }[],
  menuEntries: readonly string[],
): Promise<void> {
  const { page } = opened;
  for (const { path: consolePath, heading, name, ready } of pages) {
    await opened.visit(consolePath, heading);
    await ready?.(page);
    const overflow = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(overflow.scrollWidth, `${consolePath} scrolls sideways on a phone`).toBeLessThanOrEqual(
      overflow.clientWidth,
    );
    await screenshot(page, `phone-${name}`);
    const menu = page.getByRole('navigation', { name: 'Console' });
    for (const entry of menuEntries) {
      const link = menu.getByRole('link', { name: entry, exact: true });
      await link.scrollIntoViewIfNeeded();
      expect(await link.isVisible(), `${entry} in the menu of ${consolePath}`).toBe(true);
    }
  }
}
