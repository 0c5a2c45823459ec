import { describe, expect, it } from 'vitest';
import { requestAccessMutation, requestFields, useRequestWorld } from '../support/requests-fixture.ts';

const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50' });

interface Filed {
  requestAccess: {
    duplicate: boolean;
    request: {
      id: string;
      status: string;
      ruleId: string | null;
      reason: string | null;
      decidedBy: string | null;
      approvals: number;
      requiredApprovals: number;
      grant: { id: string; status: string; expiresAt: string } | null;
    };
  };
}

const tierOf = async (token: string, path: string) =>
  (
    await t.world.gql<{ dataset: { tier: string } | null }>(
      token,
      'query ($path: String!) { dataset(path: $path) { tier } }',
      { path },
    )
  ).data?.dataset?.tier ?? null;

const request = (token: string, input: Record<string, unknown>) =>
  t.world.gql<Filed>(token, requestAccessMutation, {
    input: { tier: 'READ', justification: 'Quarterly revenue question', duration: 'PT1H', ...input },
  });

const decide = (token: string, verb: 'approve' | 'deny', input: Record<string, unknown>) =>
  t.world.gql<Record<string, { status: string; decidedBy: string | null; approvals: number }>>(
    token,
    `mutation ($input: DecideAccessRequestInput!) { ${verb}AccessRequest(input: $input) { status decidedBy approvals } }`,
    { input },
  );

describe('access requests decided by rules', () => {
  it('auto-approves inside the mutation, and the grant shows in the next slice query', async () => {
    const token = await t.world.agentToken('ana@acme.test');
    expect(await tierOf(token, 'analytics.marts.fct_orders')).toBe('DISCOVER');
    const searchTier = async () =>
      (
        await t.world.gql<{ search: { edges: { node: { path?: string; tier?: string } }[] } }>(
          token,
          '{ search(query: "fct_orders", filter: { kinds: [DATASET] }) { edges { node { ... on Dataset { path tier } } } } }',
        )
      ).data?.search.edges.find((edge) => edge.node.path === 'analytics.marts.fct_orders')?.node.tier;
    expect(await searchTier()).toBe('DISCOVER');
    const filed = await request(token, { paths: ['analytics.marts.fct_orders'], duration: 'P2D' });
    expect(filed.errors).toBeUndefined();
    const decided = filed.data!.requestAccess.request;
    expect(decided).toMatchObject({
      status: 'APPROVED',
      ruleId: 'analysts-internal',
      decidedBy: 'rule:analysts-internal',
    });
    // The rule caps it at 8 hours (the request asked for 2 days).
    const expiresIn = Date.parse(decided.grant!.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(7.9 * 3_600_000);
    expect(expiresIn).toBeLessThanOrEqual(8 * 3_600_000);
    expect(await tierOf(token, 'analytics.marts.fct_orders')).toBe('READ');
    expect(await searchTier()).toBe('READ');
    // Only this chain and intent: Ana herself, with her own token, still discovers only.
    expect(await tierOf(await t.world.humanToken('ana@acme.test'), 'analytics.marts.fct_orders')).toBe(
      'DISCOVER',
    );
  });

  it('denies by rule with the reason, and deny wins over a matching approval', async () => {
    const token = await t.world.agentToken('bob@acme.test');
    const filed = await request(token, { paths: ['analytics.marts.customers'] });
    expect(filed.data!.requestAccess.request).toMatchObject({
      status: 'DENIED',
      ruleId: 'engineers-no-confidential',
      reason: 'Confidential data is not for engineering',
      grant: null,
    });
  });

  it('cannot request what the viewer cannot discover: same answer as a nonexistent object', async () => {
    const token = await t.world.agentToken('ana@acme.test');
    const hidden = await request(token, { paths: ['analytics.snapshots.customers_snapshot'] });
    const missing = await request(token, { paths: ['analytics.snapshots.no_such_thing'] });
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(hidden.errors?.[0]?.message.replace('customers_snapshot', 'X')).toBe(
      missing.errors?.[0]?.message.replace('no_such_thing', 'X'),
    );
    expect(
      await t.db.prisma.accessRequest.count({
        where: { paths: { has: 'analytics.snapshots.customers_snapshot' } },
      }),
    ).toBe(0);
  });

  it('rejects bad input with field errors and stores nothing', async () => {
    const token = await t.world.agentToken('ana@acme.test');
    const before = await t.db.prisma.accessRequest.count();
    const bad = await request(token, { paths: [], justification: 'no', duration: 'soon' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/paths/);
    expect(bad.errors?.[0]?.message).toMatch(/justification/);
    expect(bad.errors?.[0]?.message).toMatch(/duration/);
    for (const duration of ['PT0.5S', '-PT1H', '99999999999', '0', 'P2Y']) {
      const refused = await request(token, { paths: ['analytics.marts.customers'], duration });
      expect(refused.errors?.[0]?.extensions?.code, duration).toBe('INVALID_INPUT');
    }
    expect(await t.db.prisma.accessRequest.count()).toBe(before);
  });

  it('a human token cannot file requests, and an agent cannot approve', async () => {
    const human = await request(await t.world.humanToken('ana@acme.test'), {
      paths: ['analytics.marts.customers'],
    });
    expect(human.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const agentToken = await t.world.agentToken('ana@acme.test');
    const filed = await request(agentToken, { paths: ['analytics.marts.customers'] });
    const id = filed.data!.requestAccess.request.id;
    const agentApproves = await decide(await t.world.agentToken('approver01@acme.test'), 'approve', {
      requestId: id,
    });
    expect(agentApproves.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('routed requests decided by people', () => {
  it('waits for an eligible approver; the requester and outsiders are refused and audited', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Routed agent' });
    const filed = await request(token, { paths: ['analytics.marts.customers'], duration: 'PT4H' });
    const pending = filed.data!.requestAccess.request;
    expect(pending).toMatchObject({
      status: 'PENDING',
      ruleId: 'customers-to-approvers',
      requiredApprovals: 1,
    });
    const self = await decide(await t.world.humanToken('ana@acme.test'), 'approve', {
      requestId: pending.id,
    });
    expect(self.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(self.errors?.[0]?.message).toMatch(/your own behalf/);
    const outsider = await decide(await t.world.humanToken('bob@acme.test'), 'approve', {
      requestId: pending.id,
    });
    // Bob may not see Ana's request: it answers as if it did not exist.
    expect(outsider.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(
      await t.db.prisma.auditEvent.count({
        where: { type: 'access.decision-refused', subjectId: pending.id },
      }),
    ).toBe(2);

    const approved = await decide(await t.world.humanToken('approver03@acme.test'), 'approve', {
      requestId: pending.id,
      duration: 'PT2H',
    });
    expect(approved.data?.approveAccessRequest).toMatchObject({ status: 'APPROVED', approvals: 1 });
    expect(await tierOf(token, 'analytics.marts.customers')).toBe('READ');
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId: pending.id } });
    expect(grant.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);

    const late = await decide(await t.world.humanToken('approver04@acme.test'), 'deny', {
      requestId: pending.id,
      reason: 'too late',
    });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(late.errors?.[0]?.message).toContain('approved');
  });

  it('needs distinct approvers when the rule asks for two, and shows progress', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Quorum agent' });
    const filed = await request(token, { paths: ['analytics.staging.stg_customers'] });
    const id = filed.data!.requestAccess.request.id;
    const lee = await t.world.humanToken('lee@shop.example');
    expect((await decide(lee, 'approve', { requestId: id })).data?.approveAccessRequest).toMatchObject({
      status: 'PENDING',
      approvals: 1,
    });
    expect((await decide(lee, 'approve', { requestId: id })).errors?.[0]?.message).toMatch(
      /already approved/,
    );
    const mark = await t.world.humanToken('mark@acme.test');
    expect((await decide(mark, 'approve', { requestId: id })).data?.approveAccessRequest).toMatchObject({
      status: 'APPROVED',
      approvals: 2,
    });
  });

  it('returns the pending request for an identical retry instead of a second one', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Retrying agent' });
    const first = await request(token, { paths: ['analytics.marts.customers'] });
    const again = await request(await t.world.agentToken('ana@acme.test', { agent: 'Retrying agent' }), {
      paths: ['analytics.marts.customers'],
      justification: 'Asking again, same thing',
    });
    expect(again.data!.requestAccess).toMatchObject({
      duplicate: true,
      request: { id: first.data!.requestAccess.request.id },
    });
    const cancelled = await t.world.gql<{ cancelAccessRequest: { status: string } }>(
      token,
      'mutation ($id: ID!) { cancelAccessRequest(id: $id) { status } }',
      { id: first.data!.requestAccess.request.id },
    );
    expect(cancelled.data?.cancelAccessRequest.status).toBe('CANCELLED');
    const fresh = await request(token, { paths: ['analytics.marts.customers'] });
    expect(fresh.data!.requestAccess.duplicate).toBe(false);
  });

  it('lets the agent follow a request over server-sent events until it is decided', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Watching agent' });
    const filed = await request(token, { paths: ['analytics.marts.customers'] });
    const id = filed.data!.requestAccess.request.id;
    const response = await fetch(t.world.service.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        query: 'subscription ($id: ID!) { accessRequestUpdated(id: $id) { status grant { status } } }',
        variables: { id },
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const statuses: string[] = [];
    const read = (async () => {
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
        for (const match of text.matchAll(/"status":"(\w+)"/g)) statuses.push(match[1]!);
        text = '';
        if (statuses.includes('REVOKED')) return;
      }
    })();
    await expect.poll(() => statuses.length).toBeGreaterThan(0);
    await decide(await t.world.humanToken('approver05@acme.test'), 'approve', { requestId: id });
    await expect.poll(() => statuses.includes('APPROVED')).toBe(true);
    const grantId = (await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId: id } })).id;
    const revoked = await t.world.gql(
      await t.world.humanToken('approver05@acme.test'),
      'mutation ($id: ID!) { revokeGrant(id: $id, reason: "done") { status } }',
      { id: grantId },
    );
    expect(revoked.errors).toBeUndefined();
    await read;
    expect(statuses[0]).toBe('PENDING');
    expect(statuses).toContain('REVOKED');
    expect(await tierOf(token, 'analytics.marts.customers')).toBe('DISCOVER');
  });

  it('shows a request only to its chain, its human, its approvers and governance', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Private agent' });
    const filed = await request(token, { paths: ['analytics.marts.customers'] });
    const id = filed.data!.requestAccess.request.id;
    const query = `query ($id: ID!) { accessRequest(id: $id) { ${requestFields} } }`;
    const seen = async (viewer: string) =>
      (await t.world.gql<{ accessRequest: { id: string } | null }>(viewer, query, { id })).data?.accessRequest
        ?.id ?? null;
    expect(await seen(token)).toBe(id);
    expect(await seen(await t.world.humanToken('ana@acme.test'))).toBe(id);
    expect(await seen(await t.world.humanToken('approver09@acme.test'))).toBe(id);
    expect(await seen(await t.world.humanToken('gina@acme.test'))).toBe(id);
    expect(await seen(await t.world.humanToken('bob@acme.test'))).toBeNull();
    expect(await seen(await t.world.agentToken('ana@acme.test', { agent: 'Other agent' }))).toBeNull();
    expect(await seen(await t.world.agentToken('bob@acme.test', { agent: 'Private agent' }))).toBeNull();
    const mine = await t.world.gql<{ myAccessRequests: { edges: { node: { id: string } }[] } }>(
      await t.world.humanToken('approver09@acme.test'),
      '{ myAccessRequests(statuses: [PENDING]) { edges { node { id } } } }',
    );
    expect(mine.data?.myAccessRequests.edges.map((edge) => edge.node.id)).toContain(id);
  });
});

describe('grants end', () => {
  it('vanishes from the slice at expiry without a restart, and the job marks it expired', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Short agent' });
    const filed = await request(token, { paths: ['analytics.staging.stg_orders'], duration: 'PT2S' });
    expect(filed.data!.requestAccess.request.status).toBe('APPROVED');
    expect(await tierOf(token, 'analytics.staging.stg_orders')).toBe('READ');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await tierOf(token, 'analytics.staging.stg_orders')).toBe('DISCOVER');
    const grantId = filed.data!.requestAccess.request.grant!.id;
    await expect
      .poll(async () => (await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } })).status)
      .toBe('EXPIRED');
  });

  it('is revoked when its agent is suspended, and its pending requests are cancelled', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Suspended agent' });
    const filed = await request(token, { paths: ['analytics.staging.stg_orders'] });
    const grantId = filed.data!.requestAccess.request.grant!.id;
    const pending = await request(token, { paths: ['analytics.marts.customers'] });
    const pendingId = pending.data!.requestAccess.request.id;
    const suspended = await t.world.governance.agentMutation(
      'suspendAgent',
      t.world.agentClientId('Suspended agent'),
    );
    expect(suspended.errors).toBeUndefined();
    expect(await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } })).toMatchObject({
      status: 'REVOKED',
      endReason: expect.stringMatching(/suspended/),
    });
    expect(await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: pendingId } })).toMatchObject({
      status: 'CANCELLED',
    });
    const late = await decide(await t.world.humanToken('approver02@acme.test'), 'approve', {
      requestId: pendingId,
    });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await t.db.prisma.grant.count({ where: { requestId: pendingId } })).toBe(0);
  });

  it('only the person it is for, its approvers, the owners and governance may revoke it', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Revoked agent' });
    const grantOf = async () =>
      (await request(token, { paths: ['analytics.marts.fct_orders'] })).data!.requestAccess.request.grant!.id;
    const grantId = await grantOf();
    const revoke = async (email: string, id = grantId) =>
      t.world.gql(
        await t.world.humanToken(email),
        'mutation ($id: ID!) { revokeGrant(id: $id, reason: "no longer needed") { status endedBy } }',
        { id },
      );
    // Neither may see the grant: it answers as if it did not exist.
    expect((await revoke('bob@acme.test')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await revoke('approver01@acme.test')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Omar owns analytics.marts.fct_orders.
    expect((await revoke('omar@shop.example')).data).toMatchObject({ revokeGrant: { status: 'REVOKED' } });
    expect((await revoke('gina@acme.test')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await tierOf(token, 'analytics.marts.fct_orders')).toBe('DISCOVER');
    // Ana takes back what her agent holds.
    const again = await grantOf();
    expect(await tierOf(token, 'analytics.marts.fct_orders')).toBe('READ');
    const ana = await t.db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } });
    expect((await revoke('ana@acme.test', again)).data).toEqual({
      revokeGrant: { status: 'REVOKED', endedBy: `person:${ana.id}` },
    });
    expect(await tierOf(token, 'analytics.marts.fct_orders')).toBe('DISCOVER');
  });

  it('can be extended a limited number of times', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Extending agent' });
    const filed = await request(token, { paths: ['analytics.marts.fct_orders'], duration: 'PT10M' });
    const grant = filed.data!.requestAccess.request.grant!;
    const extend = () =>
      t.world.gql<{
        requestGrantExtension: {
          request: { status: string; grant: { id: string; expiresAt: string } | null };
        };
      }>(
        token,
        'mutation ($input: ExtendGrantInput!) { requestGrantExtension(input: $input) { request { status grant { id expiresAt } } } }',
        { input: { grantId: grant.id, justification: 'Still working on it', duration: 'PT1H' } },
      );
    const first = await extend();
    expect(first.data?.requestGrantExtension.request).toMatchObject({
      status: 'APPROVED',
      grant: { id: grant.id },
    });
    expect(Date.parse(first.data!.requestGrantExtension.request.grant!.expiresAt)).toBeGreaterThan(
      Date.parse(grant.expiresAt),
    );
    expect((await extend()).data?.requestGrantExtension.request.status).toBe('APPROVED');
    const third = await extend();
    expect(third.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(third.errors?.[0]?.message).toMatch(/already extended 2 times/);
  });
});
