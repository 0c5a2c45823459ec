import { describe, expect, it } from 'vitest';
import { validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';

const t = useRequestWorld();

/** Globs the policy validation refuses: each would silently match nothing in a ceiling. */
const badGlobs = [
  'analytics..orders',
  'analytics.sales**',
  'analytics/marts/*',
  ' analytics.*',
  'analytics.*.',
];

/** What policy validation says about a glob (the one definition a ceiling must share). */
function policyProblem(glob: string): string {
  try {
    validatePolicySet(
      [
        {
          id: 'glob-probe',
          description: 'A probe of the glob rules',
          effect: 'allow',
          tier: 'READ',
          resources: { paths: [glob] },
        },
      ],
      'probe',
    );
  } catch (error) {
    if (error instanceof InvalidInputError) {
      return error.problems.find((problem) => problem.location.endsWith('paths.0'))!.message;
    }
  }
  throw new Error(`policy validation accepted ${glob}`);
}

const register = (name: string, ceiling: Record<string, unknown>, parentClientId?: string) =>
  t.world.governance.run(
    'mutation ($input: RegisterAgentInput!) { registerAgent(input: $input) { clientSecret agent { clientId } } }',
    {
      input: {
        name,
        ownerEmail: 'ana@acme.test',
        allowedIntents: ['analytics'],
        maxDelegationDepth: 1,
        ceiling,
        ...(parentClientId ? { parentClientId } : {}),
      },
    },
  );

describe('capability ceiling globs are validated like policy globs', () => {
  it.each(badGlobs)(
    'registering an agent whose ceiling has the glob %j is refused as a policy would be; nothing is created',
    async (glob) => {
      const before = await t.db.prisma.agent.count();
      const answer = await register(`Glob agent ${before}`, { maxTier: 'READ', paths: [glob] });
      expect(answer.errors).toEqual([
        expect.objectContaining({
          extensions: {
            code: 'INVALID_INPUT',
            details: {
              input: 'agent',
              problems: [{ location: 'ceiling.paths.0', message: policyProblem(glob) }],
            },
          },
        }),
      ]);
      expect(await t.db.prisma.agent.count()).toBe(before);
    },
  );

  it('narrowing an agent to a bad glob is refused and its ceiling stays as it was', async () => {
    const created = await register('Update glob agent', { paths: ['analytics.marts.*'] });
    const clientId = (created.data as { registerAgent: { agent: { clientId: string } } }).registerAgent.agent
      .clientId;
    const answer = await t.world.governance.run(
      'mutation ($clientId: String!, $input: UpdateAgentInput!) { updateAgent(clientId: $clientId, input: $input) { name } }',
      { clientId, input: { ceiling: { paths: ['analytics..marts'] } } },
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(answer.errors?.[0]?.message).toContain(policyProblem('analytics..marts'));
    const stored = await t.db.prisma.agent.findUniqueOrThrow({ where: { clientId } });
    expect((stored.ceiling as { paths: string[] }).paths).toEqual(['analytics.marts.*']);
  });

  it('a valid ceiling glob narrows what the agent sees, and a sub-agent cannot widen it with its own', async () => {
    const parent = (
      await register('Marts only agent', {
        maxTier: 'READ',
        maxSensitivity: 'CONFIDENTIAL',
        paths: ['analytics.marts.*'],
      })
    ).data as { registerAgent: { clientSecret: string; agent: { clientId: string } } };
    const child = (
      await register(
        'Widening sub-agent',
        { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL', paths: ['analytics.**'] },
        parent.registerAgent.agent.clientId,
      )
    ).data as { registerAgent: { clientSecret: string; agent: { clientId: string } } };
    const parentToken = (
      await exchangeToken(
        t.world.service.url,
        { clientId: parent.registerAgent.agent.clientId, clientSecret: parent.registerAgent.clientSecret },
        { subject_token: await t.idp.subjectToken('ana@acme.test'), intent: 'analytics' },
      )
    ).body.access_token!;
    const childToken = (
      await exchangeToken(
        t.world.service.url,
        { clientId: child.registerAgent.agent.clientId, clientSecret: child.registerAgent.clientSecret },
        { subject_token: parentToken, intent: 'analytics' },
      )
    ).body.access_token!;
    const seen = async (token: string, path: string) =>
      (
        await t.world.gql<{ dataset: { path: string } | null }>(
          token,
          'query ($path: String!) { dataset(path: $path) { path } }',
          {
            path,
          },
        )
      ).data?.dataset?.path ?? null;
    expect(await seen(parentToken, 'analytics.marts.customers')).toBe('analytics.marts.customers');
    expect(await seen(parentToken, 'analytics.staging.stg_customers')).toBeNull();
    expect(await seen(childToken, 'analytics.marts.customers')).toBe('analytics.marts.customers');
    expect(await seen(childToken, 'analytics.staging.stg_customers')).toBeNull();
  });
});
