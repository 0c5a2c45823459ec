import { describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import {
  fileRoutedRequest,
  requestAccessMutation,
  requestPolicies,
  useRequestWorld,
} from '../support/requests-fixture.ts';

/**
 * The governance queries behind the console: what a policy change does to people, explaining a
 * person's access, request charts and the audit log's state; each over real HTTP, and refused to
 * anyone who is not governance exactly as simulateAccess is.
 */

const t = useRequestWorld();

const gina = () => t.world.humanToken('gina@acme.test');

async function raw(token: string | undefined, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(t.world.service.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.text();
}

const impactFields =
  'applied version added removed accessChangeCount peopleAffected accessChanges { human { email } path kind before after gained }';
const applyPolicies = `mutation ($p: JSON!, $dry: Boolean) { applyPolicies(policies: $p, dryRun: $dry) { ${impactFields} } }`;

/** Analysts (Ana alone) read internal data. */
const analystsReadInternal: PolicyInput = {
  id: 'analysts-read-internal',
  description: 'Analysts read internal data',
  effect: 'allow',
  tier: 'READ',
  subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
  resources: { sensitivities: ['INTERNAL'] },
};

async function policyVersion(): Promise<number> {
  const answer = await t.world.gql<{ policies: { version: number } }>(
    await gina(),
    '{ policies { version } }',
  );
  return answer.data!.policies.version;
}

describe('applyPolicies: what a change does to people', () => {
  it('a dry run shows who gains an object when a policy is added, and changes nothing', async () => {
    const before = await policyVersion();
    const answer = await t.world.gql(await gina(), applyPolicies, {
      p: [...requestPolicies, analystsReadInternal],
      dry: true,
    });
    expect(answer).toMatchInlineSnapshot(`
      {
        "data": {
          "applyPolicies": {
            "accessChangeCount": 10,
            "accessChanges": [
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "glossary",
                "path": "Active customer",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "glossary",
                "path": "Gross revenue",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "metric",
                "path": "active_customers",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "dataset",
                "path": "analytics.marts.fct_orders",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "dataset",
                "path": "analytics.staging.stg_orders",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "metric",
                "path": "average_order_value",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "metric",
                "path": "gross_revenue",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "metric",
                "path": "order_count",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "dataset",
                "path": "raw.shop.shop_orders",
              },
              {
                "after": "READ",
                "before": "DISCOVER",
                "gained": true,
                "human": {
                  "email": "ana@acme.test",
                },
                "kind": "metric",
                "path": "revenue_per_active_customer",
              },
            ],
            "added": [
              "analysts-read-internal",
            ],
            "applied": false,
            "peopleAffected": 1,
            "removed": [],
            "version": 1,
          },
        },
        "status": 200,
      }
    `);
    expect(await policyVersion()).toBe(before);
  });

  it('a real apply answers what it did; a dry run removing the policy shows the loss and changes nothing', async () => {
    const before = await policyVersion();
    const applied = await t.world.gql<{
      applyPolicies: { applied: boolean; version: number; accessChangeCount: number; peopleAffected: number };
    }>(await gina(), applyPolicies, { p: [...requestPolicies, analystsReadInternal] });
    expect(applied.data?.applyPolicies).toMatchObject({
      applied: true,
      version: before + 1,
      accessChangeCount: 10,
      peopleAffected: 1,
    });
    const removing = await t.world.gql<{
      applyPolicies: {
        accessChanges: {
          human: { email: string };
          path: string;
          before: string;
          after: string;
          gained: boolean;
        }[];
      };
    }>(await gina(), applyPolicies, { p: requestPolicies, dry: true });
    const changes = removing.data!.applyPolicies.accessChanges;
    expect(changes).toHaveLength(10);
    expect(changes).toContainEqual({
      human: { email: 'ana@acme.test' },
      path: 'analytics.marts.fct_orders',
      kind: 'dataset',
      before: 'READ',
      after: 'DISCOVER',
      gained: false,
    });
    expect(changes.every((change) => !change.gained && change.before === 'READ')).toBe(true);
    expect(await policyVersion()).toBe(before + 1);
    // Back to the company's policies for the tests below.
    await t.world.gql(await gina(), applyPolicies, { p: requestPolicies });
  });

  it('counts every person who loses what they could discover, people then paths', async () => {
    const answer = await t.world.gql<{
      applyPolicies: {
        accessChangeCount: number;
        peopleAffected: number;
        accessChanges: {
          human: { email: string };
          path: string;
          before: string | null;
          after: string | null;
        }[];
      };
    }>(await gina(), applyPolicies, {
      p: requestPolicies.filter((policy) => policy.id !== 'discover-non-restricted'),
      dry: true,
    });
    const { accessChangeCount, peopleAffected, accessChanges } = answer.data!.applyPolicies;
    expect({ accessChangeCount, peopleAffected, listed: accessChanges.length }).toEqual({
      accessChangeCount: 28 * 13,
      peopleAffected: 28,
      listed: 28 * 13,
    });
    const keys = accessChanges.map((change) => `${change.human.email} ${change.path}`);
    expect(keys).toEqual([...keys].sort());
    // Everyone loses what they could only discover: nobody may even know it exists any more.
    expect(accessChanges.every((change) => change.before === 'DISCOVER' && change.after === null)).toBe(true);
  });

  it('an unknown tier is INVALID_INPUT with the field named, and changes nothing', async () => {
    const before = await policyVersion();
    const answer = await t.world.gql(await gina(), applyPolicies, {
      p: [...requestPolicies, { ...analystsReadInternal, tier: 'WRITE' }],
      dry: true,
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(/policies\[2\] \(analysts-read-internal\)\.tier/);
    expect(answer.data).toBeNull();
    expect(await policyVersion()).toBe(before);
  });
});

const explanationFields =
  'path kind tier policyVersion allowedBy deniedBy cappedBy maskMethod maskPolicy rowFilter vendedRoles';

describe('explainAccessFor', () => {
  const asGina = async (variables: Record<string, unknown>) =>
    t.world.gql<{ explainAccessFor: unknown }>(
      await gina(),
      `query ($email: String!, $agents: [String!], $intent: String, $path: String!) {
        explainAccessFor(humanEmail: $email, agentClientIds: $agents, intent: $intent, path: $path) { ${explanationFields} }
      }`,
      variables,
    );
  const own = async (token: string, path: string) =>
    t.world.gql<{ explainAccess: unknown }>(
      token,
      `query ($path: String!) { explainAccess(path: $path) { ${explanationFields} } }`,
      { path },
    );

  it('gives governance the explanation a person gets for themselves', async () => {
    const answer = await asGina({ email: 'ana@acme.test', path: 'analytics.marts.customers' });
    expect(answer).toMatchInlineSnapshot(`
      {
        "data": {
          "explainAccessFor": {
            "allowedBy": [
              "discover-non-restricted",
            ],
            "cappedBy": [],
            "deniedBy": [],
            "kind": "dataset",
            "maskMethod": null,
            "maskPolicy": null,
            "path": "analytics.marts.customers",
            "policyVersion": 3,
            "rowFilter": null,
            "tier": "DISCOVER",
            "vendedRoles": [],
          },
        },
        "status": 200,
      }
    `);
    const ana = await own(await t.world.humanToken('ana@acme.test'), 'analytics.marts.customers');
    expect(answer.data?.explainAccessFor).toEqual(ana.data?.explainAccess);
  });

  it('and the one an agent acting for them under an intent gets', async () => {
    const agentToken = await t.world.agentToken('ana@acme.test');
    const agent = t.world.agentClientId('SQL agent');
    for (const path of ['analytics.marts.customers', 'analytics.marts.fct_orders', 'raw.shop.shop_orders']) {
      const answer = await asGina({ email: 'ana@acme.test', agents: [agent], intent: 'analytics', path });
      const asAgent = await own(agentToken, path);
      expect(answer.data?.explainAccessFor, path).toEqual(asAgent.data?.explainAccess);
    }
  });

  it('answers null alike for an unknown person, a path that does not exist and one the person may not discover', async () => {
    const restricted = await t.db.prisma.dataset.findFirstOrThrow({ where: { sensitivity: 'RESTRICTED' } });
    const answers = await Promise.all([
      raw(
        await gina(),
        '{ explainAccessFor(humanEmail: "nobody@acme.test", path: "analytics.marts.customers") { tier } }',
      ),
      raw(
        await gina(),
        '{ explainAccessFor(humanEmail: "ana@acme.test", path: "analytics.marts.nothing") { tier } }',
      ),
      raw(
        await gina(),
        `{ explainAccessFor(humanEmail: "ana@acme.test", path: "${restricted.path}") { tier } }`,
      ),
    ]);
    expect(answers).toEqual(Array(3).fill('{"data":{"explainAccessFor":null}}'));
  });

  it('a chain that could not exist is INVALID_INPUT, as for simulateAccess', async () => {
    const answer = await asGina({
      email: 'ana@acme.test',
      agents: ['no-such-client'],
      intent: 'analytics',
      path: 'x',
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });
});

describe('accessRequestStats', () => {
  const statsQuery = `query ($from: DateTime!, $to: DateTime!, $bucket: StatsBucket!) {
    accessRequestStats(from: $from, to: $to, bucket: $bucket) {
      buckets { start filed autoApproved autoDenied humanApproved humanDenied expired cancelled }
      timeToDecision { decided medianSeconds p90Seconds }
    }
  }`;

  it('counts requests filed and decided per bucket, rules apart from people, and how long people took', async () => {
    const hour = 3_600_000;
    const from = new Date(Math.floor(Date.now() / hour) * hour - hour);
    const anaAgent = await t.world.agentToken('ana@acme.test');
    // Routed to the approvers, approved by one of them.
    const routed = await fileRoutedRequest(t.world, anaAgent);
    const approved = await t.world.gql<{ approveAccessRequest: { status: string } }>(
      await t.world.humanToken('approver00@acme.test'),
      'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
      { input: { requestId: routed, duration: 'PT1H' } },
    );
    expect(approved.data?.approveAccessRequest.status).toBe('APPROVED');
    // Internal data for an analyst: the analysts-internal rule approves at once.
    const file = async (token: string, paths: string[]) =>
      await t.world.gql<{ requestAccess: { request: { status: string; ruleId: string | null } } }>(
        token,
        requestAccessMutation,
        { input: { paths, tier: 'READ', justification: 'Charts for the board', duration: 'PT1H' } },
      );
    expect(await file(anaAgent, ['analytics.marts.fct_orders'])).toMatchObject({
      data: { requestAccess: { request: { status: 'APPROVED' } } },
    });
    // Confidential data for an engineer: denied by rule.
    expect(
      await file(await t.world.agentToken('bob@acme.test'), ['analytics.marts.customers']),
    ).toMatchObject({
      data: { requestAccess: { request: { status: 'DENIED' } } },
    });
    const to = new Date(from.getTime() + 3 * hour);
    const answer = await t.world.gql<{
      accessRequestStats: {
        buckets: Record<string, unknown>[];
        timeToDecision: { decided: number; medianSeconds: number; p90Seconds: number };
      };
    }>(await gina(), statsQuery, { from: from.toISOString(), to: to.toISOString(), bucket: 'HOUR' });
    const { buckets, timeToDecision } = answer.data!.accessRequestStats;
    expect(buckets.map((bucket) => bucket.start)).toEqual(
      [0, 1, 2].map((index) => new Date(from.getTime() + index * hour).toISOString()),
    );
    const total = (key: string) => buckets.reduce((sum, bucket) => sum + (bucket[key] as number), 0);
    expect(
      Object.fromEntries(
        ['filed', 'autoApproved', 'autoDenied', 'humanApproved', 'humanDenied', 'expired', 'cancelled'].map(
          (key) => [key, total(key)],
        ),
      ),
    ).toEqual({
      filed: 3,
      autoApproved: 1,
      autoDenied: 1,
      humanApproved: 1,
      humanDenied: 0,
      expired: 0,
      cancelled: 0,
    });
    expect(buckets[0]).toEqual({ ...buckets[0], filed: 0, autoApproved: 0 });
    expect(timeToDecision.decided).toBe(1);
    expect(timeToDecision.medianSeconds).toBeGreaterThan(0);
    expect(timeToDecision.medianSeconds).toBeLessThan(60);
    expect(timeToDecision.p90Seconds).toBe(timeToDecision.medianSeconds);
  });

  it('a range without requests has every bucket, empty, and no time to decision', async () => {
    const answer = await t.world.gql(await gina(), statsQuery, {
      from: '2020-01-01T12:30:00Z',
      to: '2020-01-03T00:00:00Z',
      bucket: 'DAY',
    });
    expect(answer).toMatchInlineSnapshot(`
      {
        "data": {
          "accessRequestStats": {
            "buckets": [
              {
                "autoApproved": 0,
                "autoDenied": 0,
                "cancelled": 0,
                "expired": 0,
                "filed": 0,
                "humanApproved": 0,
                "humanDenied": 0,
                "start": "2020-01-01T00:00:00.000Z",
              },
              {
                "autoApproved": 0,
                "autoDenied": 0,
                "cancelled": 0,
                "expired": 0,
                "filed": 0,
                "humanApproved": 0,
                "humanDenied": 0,
                "start": "2020-01-02T00:00:00.000Z",
              },
            ],
            "timeToDecision": {
              "decided": 0,
              "medianSeconds": null,
              "p90Seconds": null,
            },
          },
        },
        "status": 200,
      }
    `);
  });

  it.each([
    ['401 hours', { from: '2020-01-01T00:00:00Z', to: '2020-01-17T17:00:00Z', bucket: 'HOUR' }],
    ['401 days', { from: '2020-01-01T00:00:00Z', to: '2021-02-05T00:00:00Z', bucket: 'DAY' }],
    ['from after to', { from: '2020-01-02T00:00:00Z', to: '2020-01-01T00:00:00Z', bucket: 'DAY' }],
  ])('%s is INVALID_INPUT', async (_name, variables) => {
    const answer = await t.world.gql(await gina(), statsQuery, variables);
    expect(answer.data).toBeNull();
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['INVALID_INPUT']);
  });

  it('400 buckets are fine', async () => {
    const answer = await t.world.gql<{ accessRequestStats: { buckets: unknown[] } }>(
      await gina(),
      statsQuery,
      {
        from: '2020-01-01T00:00:00Z',
        to: '2020-01-17T16:00:00Z',
        bucket: 'HOUR',
      },
    );
    expect(answer.data?.accessRequestStats.buckets).toHaveLength(400);
  });
});

describe('auditLogStatus', () => {
  const statusQuery = `{ auditLogStatus {
    size
    latestCheckpoint { size rootHash signedAt note verifierKey }
    witnesses { name }
    verification { ok checkedSize problems verifiedAt }
  } }`;

  it("shows the log's size, its newest signed checkpoint and that the stored log verifies", async () => {
    await expect
      .poll(
        async () => {
          const answer = await t.world.gql<{ auditLogStatus: { latestCheckpoint: unknown } }>(
            await gina(),
            '{ auditLogStatus { latestCheckpoint { size } } }',
          );
          return answer.data?.auditLogStatus.latestCheckpoint;
        },
        { timeout: 5_000 },
      )
      .toBeTruthy();
    const answer = await t.world.gql<{
      auditLogStatus: {
        size: number;
        latestCheckpoint: {
          size: number;
          rootHash: string;
          signedAt: string;
          note: string;
          verifierKey: string;
        };
        witnesses: unknown[];
        verification: { ok: boolean; checkedSize: number; problems: string[]; verifiedAt: string };
      };
    }>(await gina(), statusQuery);
    const status = answer.data!.auditLogStatus;
    const published = (await (
      await fetch(`${t.world.service.url}/.well-known/aperture-audit-checkpoint`)
    ).json()) as {
      publicKey: string;
    };
    expect(status.latestCheckpoint.verifierKey).toBe(published.publicKey);
    expect(status.latestCheckpoint.size).toBeLessThanOrEqual(status.size);
    expect(status.latestCheckpoint.note).toContain(
      `\n${status.latestCheckpoint.size}\n${Buffer.from(status.latestCheckpoint.rootHash, 'hex').toString('base64')}\n`,
    );
    expect(status.witnesses).toEqual([]);
    expect(status.verification).toEqual({
      ok: true,
      checkedSize: status.verification.checkedSize,
      problems: [],
      verifiedAt: status.verification.verifiedAt,
    });
    expect(status.verification.checkedSize).toBeGreaterThanOrEqual(status.latestCheckpoint.size);
    // A second look within the minute reuses the verification.
    const again = await t.world.gql<{ auditLogStatus: { verification: unknown } }>(
      await gina(),
      '{ auditLogStatus { verification { ok checkedSize problems verifiedAt } } }',
    );
    expect(again.data?.auditLogStatus.verification).toEqual(status.verification);
  });
});

describe.each([
  ['a person outside governance', () => t.world.humanToken('ana@acme.test')],
  ['an agent acting for a governance lead', () => t.world.agentToken('gina@acme.test')],
  ['nobody', async () => undefined],
])('%s', (_name, tokenOf) => {
  const simulate = '{ simulateAccess(humanEmail: "ana@acme.test") { path } }';

  it('gets from explainAccessFor exactly what simulateAccess answers (as a nullable field: agent)', async () => {
    const token = await tokenOf();
    const answer = await raw(
      token,
      '{ explainAccessFor(humanEmail: "ana@acme.test", path: "analytics.marts.customers") { tier } }',
    );
    const nullable = await raw(token, '{ agent(clientId: "x") { name } }');
    expect(answer.replaceAll('explainAccessFor', '<field>')).toBe(nullable.replaceAll('agent', '<field>'));
    const errorsOf = (body: string, field: string) =>
      JSON.stringify((JSON.parse(body.replaceAll(field, '<field>')) as { errors: unknown }).errors);
    expect(errorsOf(answer, 'explainAccessFor')).toBe(errorsOf(await raw(token, simulate), 'simulateAccess'));
  });

  it.each([
    [
      'accessRequestStats',
      '{ accessRequestStats(from: "2020-01-01T00:00:00Z", to: "2020-01-02T00:00:00Z", bucket: DAY) { buckets { filed } } }',
    ],
    ['auditLogStatus', '{ auditLogStatus { size verification { ok } } }'],
  ])('gets from %s exactly what simulateAccess answers', async (field, query) => {
    const token = await tokenOf();
    const answer = await raw(token, query);
    const reference = await raw(token, simulate);
    expect(answer.replaceAll(field, '<field>')).toBe(reference.replaceAll('simulateAccess', '<field>'));
    expect(answer).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
  });

  it('cannot dry-run a policy change, and learns nothing of its impact', async () => {
    const token = await tokenOf();
    const answer = await raw(
      token,
      `mutation { applyPolicies(policies: [], dryRun: true) { accessChangeCount } }`,
    );
    const reference = await raw(token, simulate);
    expect(answer.replaceAll('applyPolicies', '<field>')).toBe(
      reference.replaceAll('simulateAccess', '<field>'),
    );
  });
});
