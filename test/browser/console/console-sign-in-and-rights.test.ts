import { describe, expect, it } from 'vitest';
import { graphql } from '../../support/graphql-client.ts';
import {
  expectFitsPhone,
  governanceMenu,
  graphqlFromPage,
  phone,
  screenshot,
  useConsoleWorld,
} from './support/console-world.ts';

/**
 * The console's door in a real browser: a person signs in through the company's identity
 * provider (its own login and consent pages), and what the signed-in page may ask of the API is
 * what that person may ask, no more: a person outside governance calling governance's queries
 * straight from the page gets what any non-governance caller gets, and without the session's
 * CSRF header the cookie opens nothing. Then: the keyboard reaches the menu and the page's main
 * action, and a phone shows the menu without sideways scrolling.
 */

const t = useConsoleWorld();

/** Governance's queries, each as a person might call it from the page's console. */
const governanceQueries: Record<string, string> = {
  ruleSuggestions: '{ ruleSuggestions { edges { node { id summary } } } }',
  auditEvents: '{ auditEvents { edges { node { id type } } } }',
  simulateAccess: '{ simulateAccess(humanEmail: "gina@acme.test") { path tier } }',
  policies: '{ policies { version policies } }',
  agents: '{ agents { totalCount edges { node { clientId name } } } }',
  explainAccessFor:
    '{ explainAccessFor(humanEmail: "gina@acme.test", path: "analytics.marts.customers") { tier allowedBy } }',
  accessRequestStats:
    '{ accessRequestStats(from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z", bucket: DAY) { buckets { start filed } } }',
  auditLogStatus: '{ auditLogStatus { size verification { ok } } }',
};

describe('the console door', () => {
  it("signs a person in through the identity provider's own pages, and back to the page they asked for", async () => {
    const provider = new URL(t.oidc.issuer).origin;
    const opened = await t.openPage({ allowOrigins: [provider] });
    const { page } = opened;
    try {
      await page.goto(`${t.service.url}/console/inbox`);
      await page.getByRole('heading', { level: 1, name: 'Sign in to aperture' }).waitFor();
      await screenshot(page, 'sign-in');
      await page.getByRole('link', { name: 'Sign in with your identity provider' }).click();

      // The provider's login form, then its consent form (oidc-provider's development pages).
      await page.waitForURL((url) => url.origin === provider);
      await page.getByPlaceholder('Enter any login').fill('ana@acme.test');
      await page.getByPlaceholder('and password').fill('any');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();

      // Back on the console, on the page the sign-in started from, as Ana.
      await page.waitForURL(`${t.service.url}/console/inbox`);
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      await expect.poll(() => page.getByText('Ana Souza').count()).toBeGreaterThan(0);
      const cookies = await opened.context.cookies(t.service.url);
      const session = cookies.find((cookie) => cookie.name === 'aperture_console');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      // The page holds no token: nothing the page's script can read carries the session.
      expect(await page.evaluate(() => document.cookie)).toBe('');

      // The provider's page asks Google for a font (its own markup); the console asks no one.
      expect(opened.problems).toEqual([]);
      expect(opened.elsewhere.filter((url) => !url.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('gives a person outside governance no governance data when they call the API from the page', async () => {
    const opened = await t.openSignedIn('ana@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/', 'My agents');
      const anaToken = await t.world.humanToken('ana@acme.test');
      for (const [field, query] of Object.entries(governanceQueries)) {
        const fromPage = await graphqlFromPage(page, query);
        const withToken = await graphql(t.service.graphqlUrl, query, {}, anaToken);
        // Exactly what the same person gets with an API token: the console's door adds nothing.
        expect({ field, ...fromPage.body }, field).toEqual({
          field,
          ...(withToken.data === undefined ? {} : { data: withToken.data }),
          ...(withToken.errors === undefined ? {} : { errors: withToken.errors }),
        });
        // And that is a refusal or nothing of governance's.
        const codes = (fromPage.body.errors ?? []).map((error) => error.extensions?.code);
        if (codes.length > 0) expect(codes, field).toEqual(['FORBIDDEN']);
        else expect(fromPage.body.data, field).toEqual(noGovernanceData[field]);
      }

      // Governance gets the same queries answered through the same door (the test asks the right things).
      const gina = await t.openSignedIn('gina@acme.test');
      try {
        await gina.visit('/', 'My agents');
        for (const [field, query] of Object.entries(governanceQueries)) {
          const answer = await graphqlFromPage(gina.page, query);
          expect(answer.body.errors, field).toBeUndefined();
        }
        gina.expectClean();
      } finally {
        await gina.close();
      }
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });

  it('serves nothing to the session cookie without its CSRF header', async () => {
    const opened = await t.openSignedIn('gina@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/', 'My agents');
      for (const query of ['{ viewer { kind } }', governanceQueries.policies!, '{ health { status } }']) {
        const refused = await graphqlFromPage(page, query, {}, { csrf: false });
        expect(refused.status, query).toBe(401);
        expect(refused.body.data, query).toBeUndefined();
        expect(
          refused.body.errors?.map((error) => error.extensions?.code),
          query,
        ).toEqual(['UNAUTHENTICATED']);
      }
      const mutation = await graphqlFromPage(page, 'mutation { runMining { id } }', {}, { csrf: false });
      expect(mutation.status).toBe(401);
      // A wrong token is no better than none.
      const forged = await page.evaluate(async () => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-aperture-csrf': 'not-the-token' },
          body: JSON.stringify({ query: '{ viewer { kind } }' }),
        });
        return { status: response.status, body: (await response.json()) as { data?: unknown } };
      });
      expect(forged.status).toBe(401);
      expect(forged.body.data).toBeUndefined();
      // With it, the same cookie is Gina.
      const served = await graphqlFromPage(page, '{ viewer { kind human { email } } }');
      expect(served.body).toEqual({
        data: { viewer: { kind: 'HUMAN', human: { email: 'gina@acme.test' } } },
      });
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });
});

/** What a non-governance person's answer holds when a query answers rather than refuses. */
const noGovernanceData: Record<string, unknown> = {
  agents: { agents: { totalCount: 0, edges: [] } },
  ruleSuggestions: { ruleSuggestions: { edges: [] } },
  auditEvents: { auditEvents: { edges: [] } },
};

describe('the console for keyboards and phones', () => {
  it('lets the keyboard reach the menu and the main action of a page', async () => {
    const opened = await t.openSignedIn('gina@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/policies', 'Policies and rules');
      const reached: string[] = [];
      for (let press = 0; press < 40; press += 1) {
        await page.keyboard.press('Tab');
        reached.push(
          await page.evaluate(() => {
            const element = document.activeElement as HTMLElement | null;
            if (!element) return '';
            const label =
              element.getAttribute('aria-label') ??
              (element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null) ??
              element.textContent ??
              '';
            return `${element.tagName.toLowerCase()}:${label.trim().slice(0, 60)}`;
          }),
        );
      }
      // The skip link, the menu's entries, then the page's own controls (the YAML editor and Preview).
      // The page puts focus on its heading, so Tab goes to the page's own controls first (the
      // YAML editor and Preview), then round through the skip link, the header and the menu.
      const preview = reached.findIndex((entry) => /^button:Preview/.test(entry));
      expect(preview, JSON.stringify(reached)).toBeGreaterThanOrEqual(0);
      expect(reached.slice(0, preview)).toContain('textarea:Policies (YAML)');
      expect(reached, JSON.stringify(reached)).toEqual(
        expect.arrayContaining([
          'a:Skip to content',
          'a:My agents',
          'a:Inbox',
          'a:Policies and rules',
          'a:Explain',
        ]),
      );
      // Following the menu by keyboard opens the page.
      await page.getByRole('link', { name: 'Inbox' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });

  it('fits a phone: the sign-in page, and the menu of every page', async () => {
    const signIn = await t.openPage({ viewport: phone });
    try {
      await signIn.visit('/', 'Sign in to aperture');
      await expectFitsPhone(signIn, [{ path: '/', heading: 'Sign in to aperture', name: 'sign-in' }], []);
      signIn.expectClean();
    } finally {
      await signIn.close();
    }
    const opened = await t.openSignedIn('gina@acme.test', { viewport: phone });
    try {
      await expectFitsPhone(opened, [{ path: '/', heading: 'My agents', name: 'menu' }], governanceMenu);
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });
});
