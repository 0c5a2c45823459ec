import { describe, expect, it } from 'vitest';
import {
  approveAs,
  auditOf,
  confirmAs,
  consentRules,
  customers,
  delegate,
  fileRequest,
  orders,
  personId,
  registerAgent,
  revokeGrantOf,
  stagingCustomers,
  stagingOrders,
  useConsentRules,
} from '../support/consent-world.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';

/**
 * The person a request is made for confirms it (issue 19): where a rule's requester step puts it,
 * with each answer (once, for the task, always for the agent, not me), and governance's settings.
 * GraphQL over real HTTP on PostgreSQL; the attacks are in test/security/consent-attacks.test.ts.
 */
const metricsToken = 'consent-metrics-scraper-0123456789';
const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50', APERTURE_METRICS_TOKEN: metricsToken });

/** How many answers of this kind /metrics has counted. */
const answersCounted = async (answer: string) => {
  const text = await (
    await fetch(`${t.world.service.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
  ).text();
  const line = text
    .split('\n')
    .find((row) => row.startsWith(`aperture_consent_answers_total{answer="${answer}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};
useConsentRules(t);

let agents = 0;
/** A fresh agent chain of Ana's (earlier grants and consents never interfere). */
const anasAgent = (taskId?: string) =>
  t.world.agentToken('ana@acme.test', { agent: `Consent agent ${++agents}`, ...(taskId ? { taskId } : {}) });

const myConfirmations = async (email: string) =>
  (
    await t.world.gql<{ awaitingMyConfirmation: { id: string }[] }>(
      await t.world.humanToken(email),
      '{ awaitingMyConfirmation { id } }',
    )
  ).data?.awaitingMyConfirmation.map((request) => request.id);

const canApprove = async (email: string, id: string) =>
  (
    await t.world.gql<{ accessRequest: { viewerCanApprove: boolean; viewerCanDecide: boolean } }>(
      await t.world.humanToken(email),
      'query ($id: ID!) { accessRequest(id: $id) { viewerCanApprove viewerCanDecide } }',
      { id },
    )
  ).data?.accessRequest;

describe('a rule asks the person first (ordered steps)', () => {
  it('escalates only that long after the person confirmed, never while they have still to', async () => {
    const applyRules = (rules: unknown) =>
      t.world.governance.run('mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }', {
        rules,
      });
    const escalating = {
      id: 'confirm-then-owner-escalates',
      description: 'The person confirms, then the owner approves; governance after a second',
      when: { resources: { paths: [stagingOrders] } },
      action: 'route',
      route: {
        ordered: true,
        steps: [{ requester: true }, { name: 'owner', approvers: [{ kind: 'owners' }] }],
        escalation: { after: 1, to: [{ kind: 'group', group: 'governance' }] },
      },
    };
    expect((await applyRules([escalating, ...consentRules])).errors).toBeUndefined();
    try {
      const filed = await fileRequest(t, await anasAgent(), [stagingOrders]);
      const escalated = async () =>
        (await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: filed.id } })).escalated;
      // Well past the delay, the person has not answered: nobody else is asked yet.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await escalated()).toBe(false);
      await confirmAs(t, 'ana@acme.test', filed.id, 'ONCE');
      expect(await escalated()).toBe(false);
      await expect.poll(escalated, { timeout: 10_000 }).toBe(true);
      const confirmedAt = (await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: filed.id } }))
        .consentedAt!;
      const escalation = (await auditOf(t, filed.id)).find((event) => event.type === 'access.escalated');
      expect(escalation).toBeDefined();
      const event = await t.db.prisma.auditEvent.findFirstOrThrow({
        where: { type: 'access.escalated', subjectId: filed.id },
      });
      expect(event.occurredAt.getTime() - confirmedAt.getTime()).toBeGreaterThanOrEqual(900);
    } finally {
      expect((await applyRules(consentRules)).errors).toBeUndefined();
    }
  });

  it('waits for the person, refuses the owner meanwhile, and is approved once both did their part', async () => {
    const filed = await fileRequest(t, await anasAgent(), [stagingOrders]);
    expect(filed).toMatchObject({
      status: 'PENDING',
      ruleId: 'confirm-then-owner',
      grant: null,
      consent: { state: 'WAITING', answer: null, answeredAt: null, position: 'BEFORE' },
    });
    expect(await myConfirmations('ana@acme.test')).toContain(filed.id);
    // Dana owns staging orders: nothing waits for her until Ana confirmed.
    expect(await canApprove('dana@shop.example', filed.id)).toEqual({
      viewerCanApprove: false,
      viewerCanDecide: true,
    });
    const early = await approveAs(t, 'dana@shop.example', filed.id);
    expect(early.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/confirms it first/),
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await t.db.prisma.accessApproval.count({ where: { requestId: filed.id } })).toBe(0);

    const confirmed = await confirmAs(t, 'ana@acme.test', filed.id, 'ONCE');
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data?.confirmAccessRequest).toMatchObject({
      delegationRevoked: false,
      standingConsent: null,
      request: {
        status: 'PENDING',
        viewerCanConfirm: false,
        consent: { state: 'GIVEN', answer: 'ONCE', answeredAt: expect.any(String), position: 'BEFORE' },
      },
    });
    expect(await myConfirmations('ana@acme.test')).not.toContain(filed.id);
    expect(await canApprove('dana@shop.example', filed.id)).toEqual({
      viewerCanApprove: true,
      viewerCanDecide: true,
    });
    const approved = await approveAs(t, 'dana@shop.example', filed.id);
    expect(approved.data?.approveAccessRequest).toEqual({ status: 'APPROVED', approvals: 1 });
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId: filed.id } });
    expect(grant.status).toBe('ACTIVE');
    // No standing consent: the same request later asks again.
    expect(await t.db.prisma.standingConsent.count({ where: { requestId: filed.id } })).toBe(0);
  });
});

describe('a rule asks the person beside the approvers', () => {
  it('stays pending after the owner approved, until the person confirms; then approved with a grant', async () => {
    const filed = await fileRequest(t, await anasAgent(), [stagingCustomers]);
    expect(filed).toMatchObject({
      status: 'PENDING',
      ruleId: 'confirm-beside-owner',
      consent: { state: 'WAITING', position: 'BESIDE' },
    });
    const approved = await approveAs(t, 'dana@shop.example', filed.id);
    expect(approved.data?.approveAccessRequest).toEqual({ status: 'PENDING', approvals: 1 });
    expect(await t.db.prisma.grant.count({ where: { requestId: filed.id } })).toBe(0);

    const confirmed = await confirmAs(t, 'ana@acme.test', filed.id, 'ONCE');
    expect(confirmed.data?.confirmAccessRequest.request).toMatchObject({
      status: 'APPROVED',
      decidedBy: `person:${await personId(t, 'dana@shop.example')}`,
      grant: { status: 'ACTIVE' },
      consent: { state: 'GIVEN', answer: 'ONCE' },
    });
  });

  it('the person may confirm before the owner: then the owner’s approval decides it', async () => {
    const filed = await fileRequest(t, await anasAgent(), [stagingCustomers]);
    const confirmed = await confirmAs(t, 'ana@acme.test', filed.id, 'ONCE');
    expect(confirmed.data?.confirmAccessRequest.request.status).toBe('PENDING');
    expect((await approveAs(t, 'dana@shop.example', filed.id)).data?.approveAccessRequest.status).toBe(
      'APPROVED',
    );
  });
});

describe('a rule that only asks the person', () => {
  it('is approved by the rule once they confirm, for at most the rule’s duration', async () => {
    const filed = await fileRequest(t, await anasAgent(), [orders], { duration: 'PT8H' });
    expect(filed).toMatchObject({
      status: 'PENDING',
      ruleId: 'finance-confirms-marts',
      consent: { state: 'WAITING', position: 'BEFORE' },
    });
    const confirmed = await confirmAs(t, 'ana@acme.test', filed.id, 'ONCE');
    const request = confirmed.data!.confirmAccessRequest.request;
    expect(request).toMatchObject({
      status: 'APPROVED',
      decidedBy: 'rule:finance-confirms-marts',
      reason: expect.stringMatching(/once the person it is for confirmed it/),
      grant: { status: 'ACTIVE' },
    });
    const lasts = Date.parse(request.grant!.expiresAt) - Date.now();
    expect(lasts).toBeGreaterThan(1.9 * 3_600_000);
    expect(lasts).toBeLessThanOrEqual(2 * 3_600_000);
  });
});

describe('allow for this task', () => {
  it('confirms a later identical request under the same task at once, and asks again under another', async () => {
    const agent = `Task agent ${++agents}`;
    const taskToken = (taskId: string) => t.world.agentToken('ana@acme.test', { agent, taskId });
    const first = await fileRequest(t, await taskToken('task-1'), [customers]);
    const confirmed = await confirmAs(t, 'ana@acme.test', first.id, 'TASK');
    expect(confirmed.data?.confirmAccessRequest).toMatchObject({
      request: { status: 'APPROVED', consent: { state: 'GIVEN', answer: 'TASK' } },
      standingConsent: {
        scope: 'TASK',
        taskId: 'task-1',
        paths: [customers],
        tier: 'READ',
        askedBy: 'rule:finance-confirms-marts',
        uses: 0,
      },
    });
    const standingId = confirmed.data!.confirmAccessRequest.standingConsent!.id;
    await revokeGrantOf(t, 'ana@acme.test', first.id);

    const again = await fileRequest(t, await taskToken('task-1'), [customers]);
    expect(again).toMatchObject({
      status: 'APPROVED',
      grant: { status: 'ACTIVE' },
      consent: { state: 'GIVEN', answer: 'TASK', position: 'BEFORE' },
    });
    expect(await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: again.id } })).toMatchObject({
      standingConsentId: standingId,
    });
    expect(await t.db.prisma.standingConsent.findUniqueOrThrow({ where: { id: standingId } })).toMatchObject({
      uses: 1,
      lastUsedAt: expect.any(Date),
    });
    expect(await auditOf(t, again.id)).toContainEqual(
      expect.objectContaining({
        type: 'consent.used',
        payload: {
          standingConsentId: standingId,
          scope: 'TASK',
          askedBy: 'rule:finance-confirms-marts',
          uses: 1,
        },
      }),
    );
    await revokeGrantOf(t, 'ana@acme.test', again.id);

    const otherTask = await fileRequest(t, await taskToken('task-2'), [customers]);
    expect(otherTask).toMatchObject({ status: 'PENDING', consent: { state: 'WAITING' } });
  });
});

describe('always for this agent', () => {
  it('covers later requests of the same chain for some of its objects; not another agent, intent or object', async () => {
    await t.world.governance.createIntent({
      name: 'finance-close',
      description: 'Closing the books',
      allowedTiers: ['DISCOVER', 'READ'],
    });
    const agent = await registerAgent(t, 'Always agent', { allowedIntents: ['analytics', 'finance-close'] });
    const token = () => delegate(t, agent, {});
    const first = await fileRequest(t, await token(), [customers]);
    const confirmed = await confirmAs(t, 'ana@acme.test', first.id, 'ALWAYS', { days: 7 });
    const standing = confirmed.data!.confirmAccessRequest.standingConsent!;
    expect(standing).toMatchObject({ scope: 'AGENT', taskId: null, paths: [customers], tier: 'READ' });
    const lasts = Date.parse(standing.expiresAt) - Date.now();
    expect(lasts).toBeGreaterThan(6.9 * 86_400_000);
    expect(lasts).toBeLessThanOrEqual(7 * 86_400_000);
    await revokeGrantOf(t, 'ana@acme.test', first.id);

    // The same chain, under any task: given at once.
    const same = await fileRequest(t, await delegate(t, agent, { taskId: 'any-task' }), [customers]);
    expect(same).toMatchObject({ status: 'APPROVED', consent: { state: 'GIVEN', answer: 'ALWAYS' } });
    // Another object, even under the same rule: asked again.
    const otherObject = await fileRequest(t, await token(), [orders]);
    expect(otherObject.consent.state).toBe('WAITING');
    // Another intent of the same agent: asked again.
    const otherIntent = await fileRequest(t, await delegate(t, agent, { intent: 'finance-close' }), [
      customers,
    ]);
    expect(otherIntent.consent.state).toBe('WAITING');
    // Another agent of Ana's: asked again.
    const otherAgent = await fileRequest(t, await anasAgent(), [customers]);
    expect(otherAgent.consent.state).toBe('WAITING');

    const listed = await t.world.gql<{
      myStandingConsents: { id: string; uses: number; lastUsedAt: string }[];
    }>(await t.world.humanToken('ana@acme.test'), '{ myStandingConsents { id uses lastUsedAt } }');
    expect(listed.data?.myStandingConsents).toContainEqual({
      id: standing.id,
      uses: 1,
      lastUsedAt: expect.any(String),
    });
  });

  it('covers a subset of the objects it was given for', async () => {
    const token = await anasAgent();
    const first = await fileRequest(t, token, [customers, orders]);
    await confirmAs(t, 'ana@acme.test', first.id, 'ALWAYS');
    await revokeGrantOf(t, 'ana@acme.test', first.id);
    const subset = await fileRequest(t, token, [orders]);
    expect(subset).toMatchObject({ status: 'APPROVED', consent: { state: 'GIVEN', answer: 'ALWAYS' } });
  });

  it('taken back by the person, the agent’s next request asks again (audited as revoked)', async () => {
    const token = await anasAgent();
    const first = await fileRequest(t, token, [customers]);
    const standing = (await confirmAs(t, 'ana@acme.test', first.id, 'ALWAYS')).data!.confirmAccessRequest
      .standingConsent!;
    await revokeGrantOf(t, 'ana@acme.test', first.id);
    const revoked = await t.world.gql<{ revokeStandingConsent: { endedAt: string; endReason: string } }>(
      await t.world.humanToken('ana@acme.test'),
      'mutation ($id: ID!) { revokeStandingConsent(id: $id) { endedAt endReason } }',
      { id: standing.id },
    );
    expect(revoked.data?.revokeStandingConsent).toEqual({
      endedAt: expect.any(String),
      endReason: 'revoked',
    });
    expect(await auditOf(t, standing.id)).toEqual([
      expect.objectContaining({
        type: 'consent.revoked',
        actorHumanId: await personId(t, 'ana@acme.test'),
        payload: expect.objectContaining({ reason: 'revoked', scope: 'AGENT' }),
      }),
    ]);
    expect((await fileRequest(t, token, [customers])).consent.state).toBe('WAITING');
  });
});

describe("governance's settings", () => {
  const settings = (input: Record<string, boolean>) =>
    t.world.governance.run(
      'mutation ($input: ConsentSettingsInput!) { updateConsentSettings(input: $input) { subAgentRequests notMeRevokesDelegation updatedBy } }',
      { input },
    );

  it('asks the person for every request through a sub-agent, even one an approve rule grants', async () => {
    const parent = await registerAgent(t, 'Bob parent agent');
    const child = await registerAgent(t, 'Bob sub-agent', { parentClientId: parent.clientId });
    const parentToken = await delegate(t, parent, { email: 'bob@acme.test' });
    const childToken = await delegate(t, child, { parentToken });
    expect((await settings({ subAgentRequests: true })).data).toEqual({
      updateConsentSettings: {
        subAgentRequests: true,
        notMeRevokesDelegation: false,
        updatedBy: 'gina@acme.test',
      },
    });
    try {
      // The parent alone is approved by the rule, as before.
      expect((await fileRequest(t, parentToken, [orders])).status).toBe('APPROVED');
      const filed = await fileRequest(t, childToken, [customers], { duration: 'PT8H' });
      expect(filed).toMatchObject({
        status: 'PENDING',
        ruleId: 'bob-approved',
        consent: { state: 'WAITING', position: 'BEFORE' },
      });
      expect((await auditOf(t, filed.id)).find((event) => event.type === 'consent.asked')?.payload).toEqual({
        position: 'before',
        askedBy: 'sub-agent',
      });
      const confirmed = await confirmAs(t, 'bob@acme.test', filed.id, 'ONCE');
      const request = confirmed.data!.confirmAccessRequest.request;
      expect(request).toMatchObject({
        status: 'APPROVED',
        decidedBy: 'rule:bob-approved',
        grant: { status: 'ACTIVE' },
      });
      // The approve rule's 30 minutes, not the 8 hours asked for.
      const lasts = Date.parse(request.grant!.expiresAt) - Date.now();
      expect(lasts).toBeGreaterThan(29 * 60_000);
      expect(lasts).toBeLessThanOrEqual(30 * 60_000);
    } finally {
      await settings({ subAgentRequests: false });
    }
  });

  it('"not me" denies, raises a security event with the chain, and (when set) takes the delegation back', async () => {
    await settings({ notMeRevokesDelegation: true });
    try {
      const token = await anasAgent();
      const filed = await fileRequest(t, token, [customers], {
        justification: 'Pulling every customer email',
      });
      const answered = await confirmAs(t, 'ana@acme.test', filed.id, 'NOT_ME');
      expect(answered.errors).toBeUndefined();
      expect(answered.data?.confirmAccessRequest).toMatchObject({
        delegationRevoked: true,
        standingConsent: null,
        request: {
          status: 'DENIED',
          decidedBy: `person:${await personId(t, 'ana@acme.test')}`,
          reason: expect.stringMatching(/not me/),
          grant: null,
          consent: { state: 'REFUSED', answer: 'NOT_ME' },
        },
      });
      const stored = await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: filed.id } });
      const notMe = (await auditOf(t, filed.id)).find((event) => event.type === 'security.not-me');
      expect(notMe).toEqual({
        type: 'security.not-me',
        actorHumanId: stored.humanId,
        actorChain: expect.any(Array),
        payload: {
          agentId: stored.agentId,
          chain: stored.chain,
          taskId: null,
          paths: [customers],
          tier: 'READ',
          justification: 'Pulling every customer email',
          tokenId: stored.tokenId,
          revokeDelegation: true,
          // The agent's token is the delegation itself here (no sub-agent): it and nothing else.
          delegation: stored.tokenId,
          revokedTokens: [stored.tokenId],
        },
      });
      // The agent's delegation no longer works.
      const after = await t.world.gql(token, '{ viewer { intent } }');
      expect(after.status).toBe(401);
      expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(
        await t.db.prisma.delegationToken.findUniqueOrThrow({ where: { jti: stored.tokenId } }),
      ).toMatchObject({ revokedAt: expect.any(Date) });
    } finally {
      await settings({ notMeRevokesDelegation: false });
    }
  });

  it('"not me" to a sub-agent\'s request takes back the whole delegation: the parent\'s token too', async () => {
    const parent = await registerAgent(t, 'Ana parent agent');
    const child = await registerAgent(t, 'Ana sub-agent', { parentClientId: parent.clientId });
    const parentToken = await delegate(t, parent, {});
    const childToken = await delegate(t, child, { parentToken });
    await settings({ subAgentRequests: true, notMeRevokesDelegation: true });
    try {
      const filed = await fileRequest(t, childToken, [customers]);
      expect(filed.consent.state).toBe('WAITING');
      const answered = await confirmAs(t, 'ana@acme.test', filed.id, 'NOT_ME');
      expect(answered.data?.confirmAccessRequest.delegationRevoked).toBe(true);
      for (const token of [childToken, parentToken]) {
        expect((await t.world.gql(token, '{ viewer { intent } }')).status).toBe(401);
      }
      const notMe = (await auditOf(t, filed.id)).find((event) => event.type === 'security.not-me');
      expect(notMe?.payload).toMatchObject({
        revokeDelegation: true,
        revokedTokens: [expect.any(String), expect.any(String)],
      });
    } finally {
      await settings({ subAgentRequests: false, notMeRevokesDelegation: false });
    }
  });

  it('"not me" without the setting denies and flags, and leaves the delegation alone', async () => {
    const token = await anasAgent();
    const filed = await fileRequest(t, token, [customers]);
    const counted = await answersCounted('NOT_ME');
    const answered = await confirmAs(t, 'ana@acme.test', filed.id, 'NOT_ME');
    // Monitoring counts it (an alert on it is in the README's operations section).
    expect(await answersCounted('NOT_ME')).toBe(counted + 1);
    expect(answered.data?.confirmAccessRequest).toMatchObject({
      delegationRevoked: false,
      request: { status: 'DENIED', consent: { state: 'REFUSED' } },
    });
    expect((await t.world.gql(token, '{ viewer { intent } }')).errors).toBeUndefined();
  });

  it('"not me" also ends what the person granted that chain before: its next request asks again', async () => {
    const token = await anasAgent();
    const trusted = await fileRequest(t, token, [orders]);
    await confirmAs(t, 'ana@acme.test', trusted.id, 'ALWAYS');
    await revokeGrantOf(t, 'ana@acme.test', trusted.id);
    const suspicious = await fileRequest(t, token, [customers]);
    await confirmAs(t, 'ana@acme.test', suspicious.id, 'NOT_ME');
    const consent = await t.db.prisma.standingConsent.findFirstOrThrow({ where: { requestId: trusted.id } });
    expect(consent).toMatchObject({ endReason: 'not-me', endedAt: expect.any(Date) });
    const again = await fileRequest(t, token, [orders]);
    expect(again.consent.state).toBe('WAITING');
  });

  it('are audited with the values before and after', async () => {
    const events = await t.db.prisma.auditEvent.findMany({
      where: { type: 'consent.settings-changed' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((event) => event.payload)).toContainEqual({
      via: expect.anything(),
      before: { subAgentRequests: false, notMeRevokesDelegation: false },
      after: { subAgentRequests: true, notMeRevokesDelegation: false },
    });
  });
});

describe('the audit trail of a confirmation', () => {
  it('records the request, the ask, the answer and the decision, in order, with who did each', async () => {
    const filed = await fileRequest(t, await anasAgent(), [customers]);
    await confirmAs(t, 'ana@acme.test', filed.id, 'ONCE');
    const ana = await personId(t, 'ana@acme.test');
    const events = await auditOf(t, filed.id);
    expect(events.map((event) => event.type)).toEqual([
      'access.requested',
      'access.routed',
      'consent.asked',
      'consent.given',
      'access.approved',
    ]);
    expect(events[2]).toMatchObject({
      actorHumanId: ana,
      payload: { position: 'before', askedBy: 'rule:finance-confirms-marts' },
    });
    // The answer is the person's own, with no agent in its chain.
    expect(events[3]).toMatchObject({
      actorHumanId: ana,
      actorChain: [],
      payload: { answer: 'ONCE', standingConsentId: null, expiresAt: null },
    });
  });
});
