import { describe, expect, it } from 'vitest';
import type { RuleInput } from '../../../src/requests/rules/rule-schema.ts';
import { applyRuleSet, validateRuleSet } from '../../../src/requests/rules/rule-store.ts';
import { requestAccessMutation, requestRules } from '../../support/requests-fixture.ts';
import {
  type Client,
  expectFitsPhone,
  personMenu,
  phone,
  screenshot,
  useConsoleWorld,
} from './support/console-world.ts';

/**
 * Consent in the console, in a real browser against the real service: a rule asks Ana to confirm
 * what her agents ask in her name. She answers "Always for this agent" on My agents, the request is
 * approved, and the standing consent (listed with its uses) stands in for her at the agent's next
 * identical request, until she revokes it. Another agent's request, which its approvers see as
 * waiting for her, she answers "Not me": it is denied, governance's setting (switched on in the
 * console) takes the agent's delegation back, and governance sees the security event.
 */

const customers = 'analytics.marts.customers';
const justifications = {
  churn: 'Churn by customer segment for the board review',
  report: 'Weekly customer export for the sales report',
} as const;

interface Filed {
  requestAccess: { request: { id: string; status: string } };
}

let churnAnalyst: Client;
let reportBuilder: Client;

const t = useConsoleWorld(async (world) => {
  churnAnalyst = await world.registerAgent({ name: 'Churn analyst', description: 'Answers churn questions' });
  reportBuilder = await world.registerAgent({ name: 'Report builder', description: 'Builds sales reports' });
  const askTheRequester: RuleInput[] = [
    {
      id: 'report-builder-asks-ana-and-approvers',
      description: "The report builder's customer reads: the person confirms beside the approvers",
      when: { agents: [reportBuilder.clientId], resources: { paths: [customers] } },
      action: 'route',
      route: {
        steps: [{ requester: true }, { approvers: [{ kind: 'group', group: 'approvers' }] }],
        maxDuration: 'P1D',
      },
    },
    {
      id: 'customers-ask-the-analyst',
      description: "An analyst's agent reads the customers mart once the analyst confirms it",
      when: {
        human: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
        resources: { paths: [customers] },
      },
      action: 'route',
      route: { steps: [{ requester: true }], maxDuration: 'P1D' },
    },
  ];
  await applyRuleSet(world.db.prisma, validateRuleSet([...askTheRequester, ...requestRules], 'test'), {
    source: 'test',
  });
});

async function fileCustomersRequest(token: string, justification: string) {
  const filed = await t.world.gql<Filed>(token, requestAccessMutation, {
    input: { paths: [customers], tier: 'READ', justification, duration: 'PT8H' },
  });
  if (!filed.data) throw new Error(JSON.stringify(filed.errors));
  return filed.data.requestAccess.request;
}

describe('the person confirms', () => {
  it('Always for this agent: approved at once, then stands in for her next time (used), until she revokes it', async () => {
    const churnToken = await t.delegate(churnAnalyst, 'ana@acme.test', { taskId: 'board-churn-review' });
    const first = await fileCustomersRequest(churnToken, justifications.churn);
    expect(first.status).toBe('PENDING');

    // On a phone the prompt fits the screen, its four answers in reach.
    const onPhone = await t.openSignedIn('ana@acme.test', { viewport: phone });
    try {
      await expectFitsPhone(
        onPhone,
        [
          {
            path: '/',
            heading: 'My agents',
            name: 'consent-prompt',
            ready: (page) => page.getByRole('button', { name: 'Not me' }).waitFor(),
          },
        ],
        personMenu,
      );
      onPhone.expectClean();
    } finally {
      await onPhone.close();
    }

    const opened = await t.openSignedIn('ana@acme.test');
    const { page } = opened;
    try {
      await opened.visit('/', 'My agents');
      const prompt = page.getByRole('region', { name: 'Your agents ask you to confirm' });
      const request = prompt.getByRole('article').filter({ hasText: justifications.churn });
      await request.waitFor();
      // Exactly what the agent asked: chain, intent, task, object and its sensitivity, tier, duration.
      const shown = await request.innerText();
      for (const text of ['Churn analyst', 'analytics', 'board-churn-review', customers, '8 h']) {
        expect(shown).toContain(text);
      }
      expect(shown.toLowerCase()).toContain('confidential');
      expect(shown.toLowerCase()).toContain('read');
      for (const answer of ['Allow once', 'Allow for this task', 'Always for this agent', 'Not me']) {
        expect(await request.getByRole('button', { name: answer }).count()).toBe(1);
      }
      await screenshot(page, 'consent-prompt');

      await request.getByRole('button', { name: 'Always for this agent' }).click();
      const dialog = page.getByRole('dialog', { name: /Always allow Churn analyst/ });
      expect(await dialog.getByRole('radio', { name: '30 days' }).isChecked()).toBe(true);
      await dialog.getByRole('radio', { name: '90 days' }).check();
      await dialog.getByRole('button', { name: 'Always allow' }).click();
      await page.getByText('Always for Churn analyst, for 90 days: Churn analyst may now read').waitFor();

      // The standing consent: the agent, what it covers, never used yet.
      const standing = page.getByRole('region', { name: 'Standing consents' });
      const row = standing.getByRole('row').filter({ hasText: 'Churn analyst' });
      await row.waitFor();
      expect(await row.innerText()).toMatch(/never/);
      expect(await row.getByRole('cell').nth(6).innerText()).toBe('0');

      // Its grant taken back, the agent asks again: her consent answers for her, and says so.
      const grants = await t.world.gql<{ myGrants: { edges: { node: { id: string } }[] } }>(
        churnToken,
        '{ myGrants(statuses: [ACTIVE]) { edges { node { id } } } }',
      );
      const [grant] = grants.data!.myGrants.edges;
      const revoked = await t.world.gql(
        await t.world.humanToken('ana@acme.test'),
        'mutation ($id: ID!) { revokeGrant(id: $id, reason: "checking the consent") { status } }',
        { id: grant!.node.id },
      );
      expect(revoked.errors).toBeUndefined();
      const again = await fileCustomersRequest(churnToken, justifications.churn);
      expect(again.status).toBe('APPROVED');

      await page.reload();
      await row.waitFor();
      await expect.poll(() => row.getByRole('cell').nth(6).innerText()).toBe('1');
      expect(await row.getByRole('cell').nth(5).innerText()).not.toContain('never');
      expect(await prompt.count()).toBe(0);
      await screenshot(page, 'standing-consents');

      await row.getByRole('button', { name: 'Revoke' }).click();
      const revoke = page.getByRole('dialog', { name: 'Revoke your consent for Churn analyst?' });
      await revoke.getByRole('button', { name: 'Revoke consent' }).click();
      await page.getByText('Revoked: Churn analyst asks you again').waitFor();
      await standing.getByText('You have no standing consent').waitFor();
      opened.expectClean();
    } finally {
      await opened.close();
    }

    const consents = await t.world.gql<{ myStandingConsents: unknown[] }>(
      await t.world.humanToken('ana@acme.test'),
      '{ myStandingConsents { id } }',
    );
    expect(consents.data?.myStandingConsents).toEqual([]);
  });
});

describe('Not me', () => {
  it("denies the request, takes the delegation back (governance's setting), and governance sees the security event", async () => {
    const gina = await t.openSignedIn('gina@acme.test');
    try {
      await gina.visit('/policies', 'Policies and rules');
      await gina.page.getByRole('tab', { name: 'Consent' }).click();
      const setting = gina.page.getByRole('switch', { name: /Not me.* revokes the delegation at once/ });
      expect(await setting.isChecked()).toBe(false);
      await setting.check();
      await gina.page.getByText(/Last changed/).waitFor();
      expect(await setting.isChecked()).toBe(true);
      gina.expectClean();
    } finally {
      await gina.close();
    }

    const reportToken = await t.delegate(reportBuilder, 'ana@acme.test');
    expect((await fileCustomersRequest(reportToken, justifications.report)).status).toBe('PENDING');

    // Its approvers see that it waits for Ana, beside them.
    const rafael = await t.openSignedIn('rafael.santos@acme.test');
    try {
      await rafael.visit('/inbox', 'Inbox');
      const waiting = rafael.page.getByRole('article').filter({ hasText: justifications.report });
      await waiting.waitFor();
      expect(await waiting.innerText()).toContain("waiting for Ana Souza's confirmation");
      rafael.expectClean();
    } finally {
      await rafael.close();
    }

    const ana = await t.openSignedIn('ana@acme.test');
    try {
      await ana.visit('/inbox', 'Inbox');
      const request = ana.page
        .getByRole('region', { name: 'Your agents ask you to confirm' })
        .getByRole('article')
        .filter({ hasText: justifications.report });
      await request.waitFor();
      // No task named: nothing to allow "for this task".
      expect(await request.getByRole('button', { name: 'Allow for this task' }).count()).toBe(0);
      await request.getByRole('button', { name: 'Not me' }).click();
      const dialog = ana.page.getByRole('dialog', { name: 'You did not ask for this?' });
      expect(await dialog.innerText()).toContain('alerts governance');
      await dialog.getByRole('button', { name: 'Not me: deny and alert governance' }).click();
      await ana.page
        .getByText(/Denied: Report builder may not read .* Governance has been alerted/)
        .waitFor();
      await ana.page.getByText('The delegation you gave Report builder was taken back at once.').waitFor();
      ana.expectClean();
    } finally {
      await ana.close();
    }

    const refused = await t.world.gql(reportToken, '{ viewer { kind } }');
    expect(refused.status).toBe(401);

    const governance = await t.openSignedIn('gina@acme.test');
    try {
      await governance.visit('/overview', 'Overview');
      const events = governance.page.getByRole('region', { name: 'Security events' });
      const event = events.getByRole('row').filter({ hasText: 'Report builder' });
      await event.waitFor();
      const shown = await event.innerText();
      for (const text of ['Ana Souza', 'Report builder', 'analytics', customers, justifications.report]) {
        expect(shown).toContain(text);
      }
      expect(shown.toLowerCase()).toContain('revoked');
      await screenshot(governance.page, 'security-events');
      governance.expectClean();
    } finally {
      await governance.close();
    }
  });
});
