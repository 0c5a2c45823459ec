import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { graphql } from '../support/graphql-client.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { startTestService } from '../support/test-service.ts';

const t = useRequestWorld();

/** The same database served with GRAPHQL_INTROSPECTION=false (as production does by default). */
let closed: RunningService;
beforeAll(async () => {
  closed = await startTestService(t.db, {
    providers: [await t.idp.serveJwks()],
    env: { GRAPHQL_INTROSPECTION: 'false' },
  });
});
afterAll(() => closed?.stop());

const anonymousRefusal = {
  status: 401,
  errors: [
    {
      message: 'authentication is required: send Authorization: Bearer <token>',
      extensions: { code: 'UNAUTHENTICATED' },
    },
  ],
};

const probes = {
  schema: '{ __schema { types { name fields { name } } } }',
  type: '{ __type(name: "Dataset") { fields { name } } }',
  fragment: '{ ...F } fragment F on Query { __schema { queryType { name } } }',
  nestedInHealth: '{ health { status } __schema { queryType { name } } }',
  unknownField: '{ datasetz { totalCount } }',
  knownField: '{ datasets { totalCount } }',
  syntaxError: '{ datasets { ',
};

describe('introspection and schema probing without a token', () => {
  it.each(Object.entries(probes))(
    'an anonymous %s probe gets exactly the refusal any anonymous call gets',
    async (_name, query) => {
      expect(await graphql(t.world.service.graphqlUrl, query)).toEqual(anonymousRefusal);
    },
  );

  it('an anonymous caller may still ask for health and __typename (they say nothing about the schema)', async () => {
    expect(await graphql(t.world.service.graphqlUrl, '{ __typename health { status } }')).toEqual({
      status: 200,
      data: { __typename: 'Query', health: { status: 'ok' } },
    });
  });
});

describe('introspection with a token', () => {
  it('answers for a caller with a valid token when introspection is on (development, test)', async () => {
    const token = await t.world.agentToken('ana@acme.test');
    const answer = await graphql<{ __schema: { types: unknown[] } }>(
      t.world.service.graphqlUrl,
      probes.schema,
      {},
      token,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.__schema.types.length).toBeGreaterThan(20);
  });

  it('is off in production unless GRAPHQL_INTROSPECTION turns it on; a bad value stops the start', () => {
    const introspection = (env: Record<string, string>) => loadConfig(env).http.introspection;
    expect(introspection({ NODE_ENV: 'production' })).toBe(false);
    expect(introspection({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' })).toBe(true);
    expect(introspection({ NODE_ENV: 'development' })).toBe(true);
    expect(introspection({ NODE_ENV: 'test', GRAPHQL_INTROSPECTION: 'false' })).toBe(false);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'sometimes' })).toThrow(
      /GRAPHQL_INTROSPECTION: must be true or false/,
    );
  });

  it('is refused for everyone, governance included, when GRAPHQL_INTROSPECTION=false', async () => {
    const governance = await t.world.humanToken('gina@acme.test');
    for (const query of [probes.schema, probes.type, probes.fragment]) {
      expect(await graphql(closed.graphqlUrl, query, {}, governance)).toEqual({
        status: 200,
        errors: [
          { message: 'introspection is turned off on this server', extensions: { code: 'FORBIDDEN' } },
        ],
      });
    }
    expect((await graphql(closed.graphqlUrl, '{ __typename viewer { kind } }', {}, governance)).data).toEqual(
      {
        __typename: 'Query',
        viewer: { kind: 'HUMAN' },
      },
    );
  });
});

describe('no field suggestions, for anyone', () => {
  it('an unknown field, argument, type or enum value is named without a "Did you mean"', async () => {
    const token = await t.world.agentToken('ana@acme.test');
    const mistakes = [
      '{ datasetz { totalCount } }',
      '{ datasets(frist: 1) { totalCount } }',
      '{ ... on Quer { viewer { kind } } }',
      'mutation { requestAccess(input: { paths: ["a"], tier: REED, justification: "0123456789", duration: "PT1H" }) { duplicate } }',
    ];
    for (const query of mistakes) {
      const answer = await graphql(t.world.service.graphqlUrl, query, {}, token);
      expect(answer.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(answer)).not.toMatch(/did you mean/i);
    }
  });

  it('a variable with a near-miss enum value gets no suggestion either', async () => {
    const token = await t.world.agentToken('ana@acme.test');
    const answer = await graphql(
      t.world.service.graphqlUrl,
      'mutation ($input: RequestAccessInput!) { requestAccess(input: $input) { duplicate } }',
      { input: { paths: ['a'], tier: 'REED', justification: '0123456789', duration: 'PT1H' } },
      token,
    );
    expect(answer.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(answer)).not.toMatch(/did you mean/i);
  });
});
