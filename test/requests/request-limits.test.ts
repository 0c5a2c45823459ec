import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentRuleSet } from '../../src/requests/rules/rule-store.ts';
import { requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';
import { runCli } from '../support/spawn-cli.ts';

const t = useRequestWorld({
  APERTURE_REQUESTS_PER_HOUR_PER_AGENT: '3',
  APERTURE_REQUESTS_PER_HOUR_PER_HUMAN: '5',
});

describe('rate limits', () => {
  it('limit requests per agent and per human with a clear error; retries of a pending request are free', async () => {
    const fileAndCancel = async (token: string) => {
      const result = await t.world.gql<{ requestAccess: { duplicate: boolean; request: { id: string } } }>(
        token,
        requestAccessMutation,
        {
          input: {
            paths: ['analytics.marts.customers'],
            tier: 'READ',
            justification: 'Customer churn question',
            duration: 'PT1H',
          },
        },
      );
      if (!result.data) return result.errors?.[0];
      // A retry while it is pending returns it and counts nothing.
      const retry = await t.world.gql<{ requestAccess: { duplicate: boolean } }>(
        token,
        requestAccessMutation,
        {
          input: {
            paths: ['analytics.marts.customers'],
            tier: 'READ',
            justification: 'Customer churn question',
            duration: 'PT1H',
          },
        },
      );
      expect(retry.data?.requestAccess.duplicate).toBe(true);
      await t.world.gql(token, 'mutation ($id: ID!) { cancelAccessRequest(id: $id) { status } }', {
        id: result.data.requestAccess.request.id,
      });
      return null;
    };
    const first = await t.world.agentToken('ana@acme.test', { agent: 'Busy agent' });
    for (let index = 0; index < 3; index += 1) expect(await fileAndCancel(first)).toBeNull();
    const agentLimited = await fileAndCancel(first);
    expect(agentLimited).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(agentLimited?.message).toMatch(/3 access requests in the last hour \(limit 3\)/);

    const second = await t.world.agentToken('ana@acme.test', { agent: 'Second agent' });
    for (let index = 0; index < 2; index += 1) expect(await fileAndCancel(second)).toBeNull();
    const humanLimited = await fileAndCancel(second);
    expect(humanLimited).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(humanLimited?.message).toMatch(/for ana@acme\.test in the last hour \(limit 5\)/);
    // Another human is not affected.
    expect(
      await fileAndCancel(await t.world.agentToken('mark@acme.test', { agent: 'Third agent' })),
    ).toBeNull();
  });
});

describe('rate limits under concurrency', () => {
  it('lets no more requests through than the limit when they arrive at once', async () => {
    const token = await t.world.agentToken('lee@shop.example', { agent: 'Parallel agent' });
    const paths = [
      'analytics.marts.customers',
      'analytics.staging.stg_customers',
      'analytics.marts.fct_orders',
      'analytics.staging.stg_orders',
    ];
    const results = await Promise.all(
      paths.map((path) =>
        t.world.gql(token, requestAccessMutation, {
          input: { paths: [path], tier: 'READ', justification: 'Data quality review', duration: 'PT1H' },
        }),
      ),
    );
    expect(results.filter((result) => result.errors?.[0]?.extensions?.code === 'RATE_LIMITED')).toHaveLength(
      1,
    );
    const agentId = (await t.db.prisma.agent.findFirstOrThrow({ where: { name: 'Parallel agent' } })).id;
    expect(await t.db.prisma.accessRequest.count({ where: { agentId } })).toBe(3);
  });
});

describe('aperture rules apply', () => {
  it('shows the difference first, supports --dry-run and refuses a bad file without changing anything', async () => {
    const env = { DATABASE_URL: t.db.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' };
    const before = await currentRuleSet(t.db.prisma);
    const file = path.join(tmpdir(), `rules-${process.pid}.yaml`);
    await writeFile(
      file,
      [
        'rules:',
        '  - id: analysts-internal',
        '    description: Analysts read internal data for up to 4 hours',
        '    when: { human: { conditions: [{ attribute: groups, op: equals, value: analysts }] }, resources: { sensitivities: [PUBLIC, INTERNAL] } }',
        '    action: approve',
        '    maxDuration: PT4H',
        '  - id: weekend-deny',
        '    description: Nothing on weekends',
        '    when: { timeWindows: [{ days: [sat, sun] }] }',
        '    action: deny',
        '    reason: Not on weekends',
      ].join('\n'),
    );
    const dry = await runCli(['rules', 'apply', file, '--dry-run'], env);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/~ analysts-internal/);
    expect(dry.stdout).toMatch(/\+ weekend-deny/);
    expect(dry.stdout).toMatch(/- customers-to-approvers/);
    expect(dry.stdout).toMatch(/Dry run: nothing applied\./);
    expect(await currentRuleSet(t.db.prisma)).toEqual(before);

    const applied = await runCli(['rules', 'apply', file], env);
    expect(applied.stdout).toMatch(new RegExp(`Applied as version ${before.version + 1}\\.`));
    const bad = path.join(tmpdir(), `bad-rules-${process.pid}.yaml`);
    await writeFile(bad, 'rules:\n  - id: x1\n    description: y\n    action: approve\n');
    const refused = await runCli(['rules', 'apply', bad], env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/rules\[0\] \(x1\)\.maxDuration: approve rules need a maxDuration/);
    expect((await currentRuleSet(t.db.prisma)).version).toBe(before.version + 1);
  });
});
