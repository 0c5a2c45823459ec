import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import {
  auditOf,
  confirmAs,
  consentRules,
  customers,
  delegate,
  fileRequest,
  registerAgent,
  revokeGrantOf,
  useConsentRules,
} from '../support/consent-world.ts';
import { requestPeople, useRequestWorld } from '../support/requests-fixture.ts';

/**
 * A standing consent ends when what it relied on changes (issue 19): its agent is suspended, its
 * intent changes, the person's attributes or the rules change so that the rule that asked no longer
 * applies, the person leaves. Each end is audited, and the agent's next request asks again.
 */
const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50' });
useConsentRules(t);

let agents = 0;

/** An agent of Ana's whose chain holds an "always" consent for the customers mart (its grant taken back). */
async function alwaysConsent(email = 'ana@acme.test', options: { intent?: string } = {}) {
  const agent = await registerAgent(t, `Lapse agent ${++agents}`, {
    allowedIntents: [options.intent ?? 'analytics'],
  });
  const token = () => delegate(t, agent, { email, ...options });
  const first = await fileRequest(t, await token(), [customers]);
  expect(first.consent.state).toBe('WAITING');
  const confirmed = await confirmAs(t, email, first.id, 'ALWAYS');
  expect(confirmed.errors).toBeUndefined();
  await revokeGrantOf(t, email, first.id);
  const consentId = confirmed.data!.confirmAccessRequest.standingConsent!.id;
  // It holds: the same request is given at once.
  const covered = await fileRequest(t, await token(), [customers]);
  expect(covered.consent).toMatchObject({ state: 'GIVEN', answer: 'ALWAYS' });
  await revokeGrantOf(t, email, covered.id);
  return { agent, token, consentId };
}

const stored = (id: string) => t.db.prisma.standingConsent.findUniqueOrThrow({ where: { id } });

const listed = async (email: string) =>
  (
    await t.world.gql<{ myStandingConsents: { id: string }[] }>(
      await t.world.humanToken(email),
      '{ myStandingConsents { id } }',
    )
  ).data?.myStandingConsents.map((consent) => consent.id);

/** Imports the request company's people file, changed by `edit`, as a people import does. */
async function importPeople(edit: (people: typeof requestPeople) => object[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-consent-'));
  const file = path.join(dir, 'people.json');
  await writeFile(file, JSON.stringify(edit(structuredClone(requestPeople))));
  await applyPeople(t.db.prisma, file, await parsePeopleFile(file));
}

describe('a standing consent ends', () => {
  it('when its agent is suspended, and does not come back with the agent', async () => {
    const { agent, token, consentId } = await alwaysConsent();
    const suspended = await t.world.governance.agentMutation('suspendAgent', agent.clientId);
    expect(suspended.errors).toBeUndefined();
    expect(await stored(consentId)).toMatchObject({ endedAt: expect.any(Date), endReason: 'agent-stopped' });
    expect(await auditOf(t, consentId)).toEqual([
      expect.objectContaining({
        type: 'consent.ended',
        payload: expect.objectContaining({ reason: 'agent-stopped', scope: 'AGENT', uses: 1 }),
      }),
    ]);
    expect(await listed('ana@acme.test')).not.toContain(consentId);

    await t.world.governance.agentMutation('reactivateAgent', agent.clientId);
    const after = await fileRequest(t, await token(), [customers]);
    expect(after).toMatchObject({ status: 'PENDING', consent: { state: 'WAITING', answer: null } });
    expect((await stored(consentId)).uses).toBe(1);
  });

  it('when its intent changes (the next request asks again)', async () => {
    await t.world.governance.createIntent({
      name: 'churn-study',
      description: 'Why customers leave',
      allowedTiers: ['DISCOVER', 'READ'],
    });
    const { token, consentId } = await alwaysConsent('ana@acme.test', { intent: 'churn-study' });
    const updated = await t.world.governance.run(
      'mutation { updateIntent(name: "churn-study", input: { description: "Why customers leave, and who" }) { name } }',
    );
    expect(updated.errors).toBeUndefined();
    const after = await fileRequest(t, await token(), [customers]);
    expect(after.consent.state).toBe('WAITING');
    expect(await stored(consentId)).toMatchObject({ endReason: 'intent-changed' });
    expect((await auditOf(t, consentId)).map((event) => event.type)).toEqual(['consent.ended']);
  });

  it("when the person's attributes change so that the rule that asked no longer applies", async () => {
    const { consentId } = await alwaysConsent('mark@acme.test');
    const markIn = (department: string) => (people: typeof requestPeople) =>
      people.map((person) => (person.email === 'mark@acme.test' ? { ...person, department } : person));
    await importPeople(markIn('sales'));
    try {
      // The people import schedules the re-check; the job worker ends it.
      await expect
        .poll(async () => (await stored(consentId)).endReason, { timeout: 10_000 })
        .toBe('rule-no-longer-applies');
      expect(await listed('mark@acme.test')).not.toContain(consentId);
    } finally {
      await importPeople((people) => people);
    }
  });

  it('when the person leaves', async () => {
    const { consentId } = await alwaysConsent('mark@acme.test');
    // Mark leaves; Ana, whose manager he was, has none for now.
    await importPeople((people) =>
      people
        .filter((person) => person.email !== 'mark@acme.test')
        .map(({ manager: _manager, ...person }) => person),
    );
    try {
      await expect
        .poll(async () => (await stored(consentId)).endReason, { timeout: 10_000 })
        .toBe('person-left');
    } finally {
      await importPeople((people) => people);
    }
  });

  it('when the rules change so that another rule asks: listed no more, and the next request asks again', async () => {
    const { token, consentId } = await alwaysConsent();
    const renamed = consentRules.map((rule) =>
      rule.id === 'finance-confirms-marts' ? { ...rule, id: 'finance-confirms-marts-v2' } : rule,
    );
    const applied = await t.world.governance.run(
      'mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }',
      {
        rules: renamed,
      },
    );
    expect(applied.errors).toBeUndefined();
    try {
      expect(await listed('ana@acme.test')).not.toContain(consentId);
      expect(await stored(consentId)).toMatchObject({ endReason: 'rule-no-longer-applies' });
      const after = await fileRequest(t, await token(), [customers]);
      expect(after).toMatchObject({ ruleId: 'finance-confirms-marts-v2', consent: { state: 'WAITING' } });
    } finally {
      await t.world.governance.run('mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }', {
        rules: consentRules,
      });
    }
  });
});
