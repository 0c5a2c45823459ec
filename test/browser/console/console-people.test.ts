import { describe, expect, it } from 'vitest';
import { expectFitsPhone, personMenu, phone, screenshot, useConsoleWorld } from './support/console-world.ts';
import { justifications, type Scene, setUpScene } from './support/scene.ts';

/**
 * The console for the people agents act for and for approvers, in a real browser against the real
 * service: Ana takes a delegation back on "My agents" and its agent (and the sub-agent acting
 * through it) is refused at its next call; Rafael approves a request from his inbox for a shorter
 * time than asked, the agent's slice shows the grant at once, and the request moves under
 * "Decided by you".
 *
 * The scene: support/scene.ts.
 */

let scene: Scene;

const t = useConsoleWorld(async (world) => {
  scene = await setUpScene(world);
});

/** What an agent's next GraphQL call gets. */
const callAs = (token: string) => t.world.gql<{ viewer: { kind: string } }>(token, '{ viewer { kind } }');

describe('My agents', () => {
  it("revokes a delegation: the agent's next call is refused, and so is its sub-agent's", async () => {
    // Both act for Ana now.
    expect(await callAs(scene.closeToken)).toEqual({ status: 200, data: { viewer: { kind: 'AGENT' } } });
    expect(await callAs(scene.runnerToken)).toEqual({ status: 200, data: { viewer: { kind: 'AGENT' } } });

    const opened = await t.openSignedIn('ana@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/', 'My agents');
      const close = page.getByRole('article', { name: /Quarterly close assistant/ });
      await close.waitFor();
      // The chain of two, its task, the grant the sub-agent obtained and the requests filed.
      await expect.poll(() => close.innerText()).toContain('SQL runner');
      const card = await close.innerText();
      expect(card).toContain('Q3-2026-close');
      expect(card).toContain('analytics.marts.fct_orders');
      expect(card).toContain('analytics.marts.customers');
      await page.getByRole('article', { name: /Churn analyst/ }).waitFor();
      await screenshot(page, 'my-agents');

      await close.getByRole('button', { name: 'Revoke this delegation' }).click();
      const dialog = page.getByRole('dialog', { name: 'Stop Quarterly close assistant acting for you?' });
      await dialog.getByLabel('Reason (optional)').fill('The Q3 close is done');
      await dialog.getByRole('button', { name: 'Revoke delegation' }).click();
      await page.getByText('Quarterly close assistant no longer acts for you').waitFor();
      await expect.poll(() => close.count()).toBe(0);
      // The other agent still acts for her.
      expect(await page.getByRole('article', { name: /Churn analyst/ }).count()).toBe(1);
      opened.expectClean();
    } finally {
      await opened.close();
    }

    for (const token of [scene.closeToken, scene.runnerToken]) {
      const refused = await callAs(token);
      expect(refused.status).toBe(401);
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
    expect(await callAs(scene.churnToken)).toEqual({ status: 200, data: { viewer: { kind: 'AGENT' } } });
  });
});

describe('Inbox', () => {
  const customers = `{ dataset(path: "analytics.marts.customers") { tier }
    explainAccess(path: "analytics.marts.customers") { tier allowedBy } }`;

  it("approves a request for a shorter time: the agent's slice shows the grant, and it moves to Decided by you", async () => {
    const before = await t.world.gql<{ dataset: { tier: string } }>(scene.churnToken, customers);
    expect(before.data?.dataset.tier).toBe('DISCOVER');

    const opened = await t.openSignedIn('rafael.santos@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/inbox', 'Inbox');
      const request = page.getByRole('article').filter({ hasText: justifications.churn });
      await request.waitFor();
      // What the Slack prompt shows: who, through which agent, what, why, how long, how others decided.
      const shown = await request.innerText();
      for (const text of ['Ana Souza', 'Churn analyst', 'analytics.marts.customers', 'board-churn-review']) {
        expect(shown).toContain(text);
      }
      expect(shown.toLowerCase()).toContain('confidential');
      await page.getByRole('article').filter({ hasText: justifications.campaign }).waitFor();
      await screenshot(page, 'inbox');

      await request.getByRole('button', { name: 'Approve' }).click();
      const dialog = page.getByRole('dialog', { name: 'Approve this request?' });
      await dialog.getByRole('spinbutton', { name: 'hours' }).fill('4');
      await dialog.getByRole('spinbutton', { name: 'minutes' }).fill('30');
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await page.getByText(/Approved for 4\.5 h/).waitFor();

      // Decided by him: the request, approved, for Ana through her churn analyst.
      const decided = page.getByRole('region', { name: 'Decided by you' });
      const row = decided.getByRole('row').filter({ hasText: 'Churn analyst' });
      await row.waitFor({ timeout: 15_000 });
      const cells = await row.innerText();
      expect(cells.toLowerCase()).toContain('approved');
      expect(cells).toContain('Ana Souza');
      expect(cells).toContain('analytics.marts.customers');
      opened.expectClean();
    } finally {
      await opened.close();
    }

    // The agent's next look at the dataset: READ, through the grant; for 4 h 30 min.
    const after = await t.world.gql<{
      dataset: { tier: string };
      explainAccess: { tier: string; allowedBy: string[] };
    }>(scene.churnToken, customers);
    expect(after.data?.dataset.tier).toBe('READ');
    expect(after.data?.explainAccess.tier).toBe('READ');
    expect(after.data?.explainAccess.allowedBy.some((reason) => reason.startsWith('grant:'))).toBe(true);
    const grants = await t.world.gql<{
      myGrants: { edges: { node: { expiresAt: string; createdAt: string } }[] };
    }>(scene.churnToken, '{ myGrants(statuses: [ACTIVE]) { edges { node { expiresAt createdAt } } } }');
    const [grant] = grants.data!.myGrants.edges.map((edge) => edge.node);
    expect(Date.parse(grant!.expiresAt) - Date.parse(grant!.createdAt)).toBeCloseTo(4.5 * 3_600_000, -4);
  });
});

describe('on a phone', () => {
  it('fits My agents and the Inbox, their cards and tables, with the menu in reach', async () => {
    const ana = await t.openSignedIn('ana@acme.test', { viewport: phone });
    try {
      await expectFitsPhone(
        ana,
        [
          {
            path: '/',
            heading: 'My agents',
            name: 'my-agents',
            ready: (page) => page.getByRole('article', { name: /Churn analyst/ }).waitFor(),
          },
        ],
        personMenu,
      );
      ana.expectClean();
    } finally {
      await ana.close();
    }
    const rafael = await t.openSignedIn('rafael.santos@acme.test', { viewport: phone });
    try {
      await expectFitsPhone(
        rafael,
        [
          {
            path: '/inbox',
            heading: 'Inbox',
            name: 'inbox',
            ready: (page) => page.getByRole('article').filter({ hasText: justifications.campaign }).waitFor(),
          },
        ],
        personMenu,
      );
      rafael.expectClean();
    } finally {
      await rafael.close();
    }
  });
});

describe('a page that does not load', () => {
  it('says so and offers a reload, and the menu still leads to the other pages', async () => {
    const opened = await t.openSignedIn('ana@acme.test');
    const { page } = opened;
    try {
      // The Inbox's code cannot be downloaded (aperture was updated since the tab opened, or the network dropped).
      await page.route(/\/console\/assets\/inbox-page-[^/]+\.js$/, (route) => route.abort('connectionreset'));
      await opened.visit('/inbox', 'This page did not load');
      await expect
        .poll(() => page.getByRole('alert').innerText())
        .toMatch(/went wrong while showing this page/);
      await page.getByRole('button', { name: 'Reload the console' }).waitFor();

      await page
        .getByRole('navigation', { name: 'Console' })
        .getByRole('link', { name: 'My agents' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'My agents' }).waitFor();
      await page.getByRole('article', { name: /Churn analyst/ }).waitFor();
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });
});
