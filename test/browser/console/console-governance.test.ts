import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { requestAccessMutation } from '../../support/requests-fixture.ts';
import { financeTeam } from './support/company.ts';
import {
  type Client,
  expectFitsPhone,
  governanceMenu,
  phone,
  screenshot,
  useConsoleWorld,
} from './support/console-world.ts';
import { writeMonthOfDecisions } from './support/decision-history.ts';
import { type Scene, setUpScene } from './support/scene.ts';

/**
 * The console for governance, in a real browser against the real service: Gina accepts a mined
 * suggestion and the next request it matches is approved by the new rule; a policy edit shows who
 * gains and who loses which objects before it is applied, and applying it makes a new version.
 * And a picture of every governance page (Overview, Suggestions, Policies and rules, Agents,
 * Audit, Explain) over a month of the company's decisions.
 */

let scene: Scene;
let financeCopilot: Client;

const t = useConsoleWorld(async (world) => {
  scene = await setUpScene(world);
  financeCopilot = await world.registerAgent({
    name: 'Finance copilot',
    description: "The finance team's assistant",
    owner: 'mark@acme.test',
  });
  // The copilot's first request gives the month of decisions its snapshot of the customers mart.
  await world.world.gql(await world.delegate(financeCopilot, financeTeam[1]!.email), requestAccessMutation, {
    input: {
      paths: ['analytics.marts.customers'],
      tier: 'READ',
      justification: 'Top customers by revenue for the monthly report',
      duration: 'PT4H',
    },
  });
  await writeMonthOfDecisions(world, financeCopilot.clientId);
  const mined = await world.world.gql<{ runMining: { suggestions: { new: number } } }>(
    world.governanceToken,
    'mutation { runMining { suggestions { new } } }',
  );
  if (!mined.data || mined.data.runMining.suggestions.new < 2) throw new Error(JSON.stringify(mined));
});

const customersForFinance =
  'approve when resource.path = analytics.marts.customers and human.department = finance';

describe('Suggestions', () => {
  it('accepting a suggestion makes a rule that approves the next matching request on its own', async () => {
    const opened = await t.openSignedIn('gina@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/suggestions', 'Suggestions');
      const review = page.getByRole('button', { name: `Review: ${customersForFinance}` });
      await review.waitFor();
      await review.click();
      // The evidence: agreeing and disagreeing decisions.
      await page
        .getByText(/disagreeing/i)
        .first()
        .waitFor();
      // What mining learned from consents, and the draft's backtest with its "not me" count (none here).
      await page.getByText('Confirmed always by the person').waitFor();
      // What it promises, in words, beside its rate and lower bound.
      await page.getByRole('heading', { name: 'What it promises' }).waitFor();
      await page
        .getByText(/^The lower bound of its approval rate .*, at or above the threshold \d/)
        .waitFor();
      await page.getByRole('button', { name: 'Simulate', exact: true }).click();
      await page
        .getByRole('region', { name: 'Simulation' })
        .getByText(/Rule mined-[0-9a-f]+ would approve/)
        .waitFor();
      expect(await page.getByText(/called “not me”/).count()).toBe(0);
      await page
        .getByRole('heading', { name: 'Coverage against false decisions' })
        .evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'suggestions');

      await page.getByRole('button', { name: 'Accept', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Accept this suggestion as a rule' });
      await dialog.getByLabel('Longest grant').fill('PT4H');
      await dialog.getByRole('button', { name: 'Accept as a rule' }).click();
      const accepted = page.getByText(/Accepted: rule mined-[0-9a-f]+ is in force/);
      await accepted.waitFor();
      const ruleId = /rule (mined-[0-9a-f]+)/.exec(await accepted.innerText())![1]!;
      opened.expectClean();

      // The next finance analyst's agent asking for the customers mart: approved by the new rule.
      const token = await t.delegate(financeCopilot, financeTeam[6]!.email);
      const filed = await t.world.gql<{
        requestAccess: {
          request: { status: string; ruleId: string; decidedBy: string; grant: { expiresAt: string } };
        };
      }>(token, requestAccessMutation, {
        input: {
          paths: ['analytics.marts.customers'],
          tier: 'READ',
          justification: 'Customer revenue for the monthly report',
          duration: 'PT8H',
        },
      });
      expect(filed.data?.requestAccess.request).toMatchObject({
        status: 'APPROVED',
        ruleId,
        decidedBy: `rule:${ruleId}`,
      });
      // A marketer's still waits for the approvers.
      const marketer = await t.delegate(scene.planner, 'chloe.martin@acme.test');
      const routed = await t.world.gql<{ requestAccess: { request: { status: string } } }>(
        marketer,
        requestAccessMutation,
        {
          input: {
            paths: ['analytics.marts.customers'],
            tier: 'READ',
            justification: 'Customer list for a webinar',
            duration: 'PT1H',
          },
        },
      );
      expect(routed.data?.requestAccess.request.status).toBe('PENDING');
    } finally {
      await opened.close();
    }
  });
});

describe('Policies and rules', () => {
  const policyVersion = async () =>
    (
      await t.world.gql<{ policies: { version: number; policies: { id: string }[] } }>(
        t.governanceToken,
        '{ policies { version policies } }',
      )
    ).data!.policies;

  it('shows who gains and who loses which objects before a policy edit is applied', async () => {
    const before = await policyVersion();
    const edited = [
      // Marketing no longer reads public data; finance reads internal data.
      ...before.policies.map((policy) =>
        policy.id === 'read-public'
          ? {
              ...policy,
              subjects: {
                match: 'all',
                conditions: [{ attribute: 'department', op: 'notIn', values: ['marketing'] }],
              },
            }
          : policy,
      ),
      {
        id: 'finance-reads-internal',
        description: 'Finance reads internal data',
        effect: 'allow',
        tier: 'READ',
        subjects: { match: 'all', conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
        resources: { sensitivities: ['INTERNAL'] },
      },
    ];

    const opened = await t.openSignedIn('gina@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/policies', 'Policies and rules');
      const editor = page.getByRole('textbox', { name: 'Policies (YAML)' });
      await expect.poll(() => editor.inputValue()).toContain('read-public');
      await editor.fill(stringify({ policies: edited }, { lineWidth: 100 }));
      await page.getByRole('button', { name: 'Preview' }).click();

      const preview = page.getByRole('region', { name: 'Preview' });
      await preview.getByText(/This change would change what/).waitFor();
      // Finance (10 people) gains READ on 10 internal objects each; marketing (8) loses the public one.
      expect(await preview.innerText()).toMatch(
        /what 18 people see, 108 objects for one person or another: 100 gained, 8 lost/,
      );
      for (const person of ['Ana Souza', 'Chloe Martin']) {
        const summary = preview.locator('summary', { hasText: person });
        if (!(await summary.evaluate((element) => (element.parentElement as HTMLDetailsElement).open))) {
          await summary.click();
        }
      }
      const shown = await preview.innerText();
      expect(shown).toContain('finance-reads-internal');
      expect(shown).toMatch(/Ana Souza ana@acme\.test\s+\+10 gained/);
      expect(shown).toMatch(/Chloe Martin chloe\.martin@acme\.test\s+−1 lost/);
      // Each object with its tier before and after (Ana's orders mart; Chloe's country codes).
      expect(shown).toMatch(/analytics\.marts\.fct_orders\s+dataset\s+discover\W+(to\W+)?read/);
      expect(shown).toMatch(/analytics\.staging\.country_codes\s+dataset\s+read\W+(to\W+)?discover/);
      // Nothing is applied by a preview.
      expect((await policyVersion()).version).toBe(before.version);
      await preview
        .getByRole('heading', { name: 'What changes' })
        .evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'policies');

      await page.getByRole('button', { name: `Apply as version ${before.version + 1}` }).click();
      await page.getByText(`Applied: version ${before.version + 1} of the policies is in force.`).waitFor();
      opened.expectClean();
    } finally {
      await opened.close();
    }
    const after = await policyVersion();
    expect(after.version).toBe(before.version + 1);
    expect(after.policies.map((policy) => policy.id)).toContain('finance-reads-internal');
  });
});

describe('the governance pages', () => {
  /** Opens `path` signed in as Gina, lets `show` bring the page to what it should show, and takes its picture. */
  const picture = async (
    path: string,
    heading: string,
    name: string,
    show: (page: Page) => Promise<void>,
  ) => {
    const opened = await t.openSignedIn('gina@acme.test');
    try {
      await opened.visit(path, heading);
      await show(opened.page);
      await screenshot(opened.page, name);
      opened.expectClean();
    } catch (error) {
      // What the page showed instead: the first thing to look at.
      await screenshot(opened.page, `${name}-failed`).catch(() => {});
      throw error;
    } finally {
      await opened.close();
    }
  };

  it('Overview charts a month of requests and decisions', async () => {
    await picture('/overview', 'Overview', 'overview', async (page) => {
      await page
        .getByText(/median/i)
        .first()
        .waitFor();
      await page.waitForTimeout(800); // the charts' entry animation
    });
  });

  it('Agents lists the directory with owners, chains and use', async () => {
    await picture('/agents', 'Agents', 'agents', async (page) => {
      await page.getByText('Quarterly close assistant').first().waitFor();
      await page.getByText('SQL runner').first().waitFor();
    });
  });

  it('Audit shows the events and the state of the log', async () => {
    await picture('/audit', 'Audit', 'audit', async (page) => {
      const details = page.getByRole('button', { name: /^Show details of event .*\(access\.routed\)$/ });
      await details.first().waitFor();
      await details.first().click();
      await page.getByText('Place in the log').waitFor();
      // The picture: the log's state and the newest events.
      await page.evaluate(() => window.scrollTo(0, 0));
    });
  });

  it('Explain tells the tier a chain of agents gets, and why', async () => {
    await picture('/explain', 'Explain', 'explain', async (page) => {
      await page.getByLabel('Person (email)').fill('ana@acme.test');
      await page.getByLabel('Intent').selectOption('quarterly-close');
      await page.getByLabel('Path').fill('analytics.marts.fct_orders');
      const agent = page.getByLabel('Agent to add to the chain');
      await agent.selectOption({ label: `Quarterly close assistant (${scene.closeAssistant.clientId})` });
      await page.getByRole('button', { name: 'Add to chain' }).click();
      await agent.selectOption({ label: `SQL runner (${scene.runner.clientId})` });
      await page.getByRole('button', { name: 'Add to chain' }).click();
      await page.getByRole('button', { name: 'Explain', exact: true }).click();
      // The SQL runner's request was approved by a rule: the chain reads the orders mart through that grant.
      const why = page.getByRole('region', { name: 'Why' });
      await why.getByText(/grant/).first().waitFor();
    });
  });
});

describe('on a phone', () => {
  it("fits governance's pages, their tables and charts, with the menu in reach", async () => {
    const opened = await t.openSignedIn('gina@acme.test', { viewport: phone });
    try {
      await expectFitsPhone(
        opened,
        [
          {
            path: '/overview',
            heading: 'Overview',
            name: 'overview',
            ready: (page) =>
              page
                .getByText(/median/i)
                .first()
                .waitFor(),
          },
          {
            path: '/suggestions',
            heading: 'Suggestions',
            name: 'suggestions',
            ready: (page) =>
              page
                .getByRole('button', { name: /^Review: / })
                .first()
                .waitFor(),
          },
          {
            path: '/policies',
            heading: 'Policies and rules',
            name: 'policies',
            ready: (page) => page.getByRole('button', { name: 'Preview' }).waitFor(),
          },
          {
            path: '/agents',
            heading: 'Agents',
            name: 'agents',
            ready: (page) => page.getByText('Quarterly close assistant').first().waitFor(),
          },
          {
            path: '/gateways',
            heading: 'Gateways',
            name: 'gateways',
            ready: (page) => page.getByRole('button', { name: 'Register gateway' }).waitFor(),
          },
          {
            path: '/audit',
            heading: 'Audit',
            name: 'audit',
            ready: (page) =>
              page
                .getByRole('button', { name: /^Show details of event/ })
                .first()
                .waitFor(),
          },
          { path: '/explain', heading: 'Explain', name: 'explain' },
        ],
        governanceMenu,
      );
      opened.expectClean();
    } finally {
      await opened.close();
    }
  });
});
