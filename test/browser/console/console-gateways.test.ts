import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  type Client,
  graphqlFromPage,
  personMenu,
  phone,
  screenshot,
  useConsoleWorld,
} from './support/console-world.ts';

/**
 * The Gateways page, in a real browser against the real service: Gina registers a gateway (an
 * AuthZEN PEP client) and the secret the page shows once opens aperture's AuthZEN door; rotating
 * it shuts the old secret out at once; suspending shuts the gateway out until it is reactivated;
 * retiring is final. A person outside governance has no Gateways page.
 */

const t = useConsoleWorld();

/** The status of one AuthZEN evaluation the gateway asks with these credentials (Ana's own token as subject). */
async function evaluationStatus(gateway: Client): Promise<number> {
  const basic = Buffer.from(`${gateway.clientId}:${gateway.clientSecret}`).toString('base64');
  const response = await fetch(`${t.service.url}/access/v1/evaluation`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      subject: {
        type: 'user',
        id: 'ana@acme.test',
        properties: { token: await t.world.humanToken('ana@acme.test') },
      },
      action: { name: 'discover' },
      resource: { type: 'dataset', id: 'analytics.marts.customers' },
    }),
  });
  const answer = (await response.json()) as { decision?: unknown; context?: { reason?: string } };
  if (response.status === 200) {
    // A decision about Ana, not a refusal of the subject: the gateway is served in full.
    expect(typeof answer.decision).toBe('boolean');
    expect(answer.context?.reason).not.toBe('subject_not_verified');
  }
  return response.status;
}

/** The client id and secret the page shows once, read from its notice. */
async function shownCredentials(page: Page): Promise<Client> {
  const notice = page.getByRole('region', { name: /secret/ });
  await notice.waitFor();
  const clientId = await notice.locator('dt:text-is("Client id") + dd code').innerText();
  const clientSecret = await notice.locator('dt:text-is("Client secret") + dd code').innerText();
  expect(clientId).toMatch(/^pep_/);
  expect(clientSecret).toMatch(/^aps_/);
  return { clientId, clientSecret };
}

/** Registers a gateway through the page's form and returns what the page shows once. */
async function registerThroughPage(page: Page, name: string, description?: string): Promise<Client> {
  const form = page.getByRole('form', { name: 'Register a gateway' });
  await form.getByLabel('Name').fill(name);
  if (description) await form.getByLabel('Description (optional)').fill(description);
  await form.getByRole('button', { name: 'Register gateway' }).click();
  await page.getByRole('heading', { name: `${name} is registered: its secret` }).waitFor();
  return shownCredentials(page);
}

const rowOf = (page: Page, name: string) =>
  page.getByRole('table').getByRole('row').filter({ hasText: name });

/** Confirms the act `label` of the gateway `name` in its dialog, with a reason when given. */
async function act(page: Page, name: string, label: string, dialogName: string, reason?: string) {
  await rowOf(page, name).getByRole('button', { name: label, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: dialogName });
  await dialog.waitFor();
  if (reason) await dialog.getByLabel('Reason (optional)').fill(reason);
  const description = await dialog.innerText();
  await dialog
    .getByRole('button', { name: label === 'Rotate secret' ? 'Rotate' : label, exact: true })
    .click();
  await dialog.waitFor({ state: 'hidden' });
  return description;
}

const buttonsOf = async (page: Page, name: string) =>
  (await rowOf(page, name).getByRole('button').allInnerTexts()).map((text) => text.trim());

describe('the Gateways page', () => {
  it('says what a gateway is, registers one, and its secret, shown once, opens the AuthZEN door', async () => {
    const opened = await t.openSignedIn('gina@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/gateways', 'Gateways');
      // Nothing registered yet: what a gateway is, and where to register one.
      await page.getByText('No gateway is registered yet.').waitFor();
      expect(await page.getByText(/asks aperture, at \/access\/v1\/evaluation/).count()).toBe(1);
      await page.getByRole('link', { name: 'Register one below' }).click();
      await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#register-gateway');

      // A name is required: the browser says so before anything is sent.
      const form = page.getByRole('form', { name: 'Register a gateway' });
      await form.getByRole('button', { name: 'Register gateway' }).click();
      expect(
        await form.getByLabel('Name').evaluate((input: HTMLInputElement) => input.validity.valueMissing),
      ).toBe(true);
      // aperture's own refusal shows in the words it gave.
      await form.getByLabel('Name').fill('sql/gateway');
      await form.getByRole('button', { name: 'Register gateway' }).click();
      await form
        .getByRole('alert')
        .getByText(/Not registered/)
        .waitFor();
      expect(await form.getByRole('alert').innerText()).toMatch(/letters, digits, spaces/);

      const gateway = await registerThroughPage(
        page,
        'sql-gateway',
        'The SQL gateway in front of the warehouse',
      );
      const notice = page.getByRole('region', { name: /secret/ });
      expect(await notice.innerText()).toContain('Copy it now: aperture keeps only its hash.');
      // How to use it: HTTP Basic on the evaluation endpoint, with these very credentials.
      expect(await notice.locator('pre').innerText()).toContain(
        `${t.service.url}/access/v1/evaluation -u '${gateway.clientId}:${gateway.clientSecret}'`,
      );
      // The form is ready for the next one; the list shows the new gateway, never used.
      expect(await form.getByLabel('Name').inputValue()).toBe('');
      const row = rowOf(page, 'sql-gateway');
      await row.getByText(gateway.clientId).waitFor();
      expect(await row.innerText()).toMatch(/The SQL gateway in front of the warehouse/);
      expect(await row.getByRole('cell').nth(0).innerText()).toBe('active');
      expect(await row.getByRole('cell').nth(2).innerText()).toBe('never');
      expect(await buttonsOf(page, 'sql-gateway')).toEqual(['Suspend', 'Retire', 'Rotate secret']);
      await page.getByRole('heading', { name: '1 gateway', exact: true }).waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'gateways');

      // The secret works at aperture's AuthZEN door; a wrong one does not.
      expect(await evaluationStatus(gateway)).toBe(200);
      expect(await evaluationStatus({ ...gateway, clientSecret: `${gateway.clientSecret}x` })).toBe(401);

      // Hidden, it is gone from the page, and it never comes back.
      await notice.getByRole('button', { name: 'I have copied it: hide the secret' }).click();
      await notice.waitFor({ state: 'hidden' });
      expect(await page.locator('body').innerText()).not.toContain(gateway.clientSecret);
      await opened.visit('/gateways', 'Gateways');
      await rowOf(page, 'sql-gateway').waitFor();
      expect(await page.content()).not.toContain(gateway.clientSecret);
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });

  it('rotates a secret: the old one stops at once, the new one is shown once and works', async () => {
    const opened = await t.openSignedIn('gina@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/gateways', 'Gateways');
      const first = await registerThroughPage(page, 'mcp-proxy');
      expect(await evaluationStatus(first)).toBe(200);
      const said = await act(page, 'mcp-proxy', 'Rotate secret', 'Rotate the secret of mcp-proxy?');
      expect(said).toContain('The old secret stops working at once');

      await page.getByRole('heading', { name: 'The new secret of mcp-proxy' }).waitFor();
      const rotated = await shownCredentials(page);
      expect(rotated.clientId).toBe(first.clientId);
      expect(rotated.clientSecret).not.toBe(first.clientSecret);
      expect(await page.getByRole('region', { name: /secret/ }).innerText()).toContain(
        'The old secret no longer works.',
      );
      expect(await page.locator('body').innerText()).not.toContain(first.clientSecret);
      expect(await evaluationStatus(first)).toBe(401);
      expect(await evaluationStatus(rotated)).toBe(200);

      // Leaving the page forgets the secret.
      await page
        .getByRole('navigation', { name: 'Console' })
        .getByRole('link', { name: 'Agents', exact: true })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
      await page
        .getByRole('navigation', { name: 'Console' })
        .getByRole('link', { name: 'Gateways', exact: true })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Gateways' }).waitFor();
      await rowOf(page, 'mcp-proxy').waitFor();
      expect(await page.getByRole('region', { name: /secret/ }).count()).toBe(0);
      expect(await page.content()).not.toContain(rotated.clientSecret);
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });

  it('suspends and reactivates a gateway, and retires it for good', async () => {
    const opened = await t.openSignedIn('gina@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/gateways', 'Gateways');
      const gateway = await registerThroughPage(page, 'data-platform');
      await page.getByRole('button', { name: 'I have copied it: hide the secret' }).click();
      expect(await evaluationStatus(gateway)).toBe(200);

      await act(page, 'data-platform', 'Suspend', 'Suspend data-platform?', 'Sends malformed requests');
      await rowOf(page, 'data-platform').getByText('suspended', { exact: true }).waitFor();
      expect(await rowOf(page, 'data-platform').innerText()).toMatch(/changed (now|\d+ seconds? ago)/);
      expect(await buttonsOf(page, 'data-platform')).toEqual(['Reactivate', 'Retire', 'Rotate secret']);
      expect(await evaluationStatus(gateway)).toBe(401);

      await act(page, 'data-platform', 'Reactivate', 'Reactivate data-platform?');
      await rowOf(page, 'data-platform').getByText('active', { exact: true }).waitFor();
      expect(await buttonsOf(page, 'data-platform')).toEqual(['Suspend', 'Retire', 'Rotate secret']);
      expect(await evaluationStatus(gateway)).toBe(200);

      const said = await act(page, 'data-platform', 'Retire', 'Retire data-platform for good?', 'Replaced');
      expect(said).toContain('Retiring is final');
      await rowOf(page, 'data-platform').getByText('retired for good').waitFor();
      expect(await buttonsOf(page, 'data-platform')).toEqual([]);
      expect(await evaluationStatus(gateway)).toBe(401);

      // The audit log keeps each act with the reason given.
      const events = await t.world.gql<{
        auditEvents: {
          edges: { node: { type: string; payload: { clientId: string; reason: string | null } } }[];
        };
      }>(
        t.governanceToken,
        `{ auditEvents(filter: { types: ["pep-client.suspended", "pep-client.reactivated", "pep-client.retired"] }) {
            edges { node { type payload } } } }`,
      );
      expect(events.errors).toBeUndefined();
      const acts = events
        .data!.auditEvents.edges.map(({ node }) => node)
        .filter((event) => event.payload.clientId === gateway.clientId)
        .map((event) => [event.type, event.payload.reason]);
      expect(acts.sort()).toEqual([
        ['pep-client.reactivated', null],
        ['pep-client.retired', 'Replaced'],
        ['pep-client.suspended', 'Sends malformed requests'],
      ]);
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });

  it('fits a phone, with a gateway listed and its secret shown', async () => {
    const opened = await t.openSignedIn('gina@acme.test', { viewport: phone });
    const { page } = opened;
    try {
      await opened.visit('/gateways', 'Gateways');
      await registerThroughPage(page, 'phone-gateway', 'Registered from a phone');
      await rowOf(page, 'phone-gateway').waitFor();
      const overflow = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
      await screenshot(page, 'phone-gateways-secret');
      await rowOf(page, 'phone-gateway').evaluate((row) => row.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'phone-gateways-list');
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });
});

describe('a person outside governance', () => {
  it('has no Gateways entry, and the page shows no gateway', async () => {
    const opened = await t.openSignedIn('ana@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/', 'My agents');
      const menu = page.getByRole('navigation', { name: 'Console' });
      expect(await menu.getByRole('link').allInnerTexts()).toEqual([...personMenu]);

      // Straight to the address: the page says aperture refused, and shows nothing of governance's.
      await opened.visit('/gateways', 'Gateways');
      await page
        .getByRole('alert')
        .getByText(/Could not load gateways/)
        .waitFor();
      expect(await page.getByRole('table').count()).toBe(0);
      expect(await page.getByRole('form', { name: 'Register a gateway' }).count()).toBe(0);
      const shown = await page.locator('main').innerText();
      for (const name of ['sql-gateway', 'mcp-proxy', 'data-platform', 'pep_'])
        expect(shown).not.toContain(name);

      // The API refuses her the list and the acts, from the page as anywhere.
      const list = await graphqlFromPage(page, '{ pepClients { clientId name } }');
      expect(list.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      const register = await graphqlFromPage(
        page,
        'mutation { registerPepClient(input: { name: "ana-gateway" }) { clientSecret } }',
      );
      expect(register.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });
});
