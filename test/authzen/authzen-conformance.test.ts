import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import type { AuthzenPep, Decision, EvaluationRequest } from '../support/authzen-pep.ts';
import { requestPolicies, useRequestWorld } from '../support/requests-fixture.ts';
import { basic, registerPep, send, user } from './support/authzen-world.ts';

/**
 * The AuthZEN Authorization API 1.0 as a PEP written from the spec sees it (metadata §11,
 * evaluation §6, evaluations §7, resource search §8, the HTTPS binding §12), beside GraphQL for
 * the same agent token. Ana (analyst) reads the sales domain with PII hashed and her region's
 * orders only; Bob (engineer) discovers it; restricted data is hidden from both.
 */
const t = useRequestWorld();

const policies: PolicyInput[] = [
  ...requestPolicies,
  {
    id: 'analysts-read-sales',
    description: 'Analysts read sales, PII hashed, their region only',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
    resources: { domains: ['sales'], sensitivities: ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL'] },
    masks: [{ columns: { tags: ['pii'] }, method: 'hash' }],
    rowFilters: [{ datasets: ['analytics.marts.fct_orders'], predicate: 'region = {{human.region}}' }],
  },
];

let pep: AuthzenPep;
let authorization: string;
let origin: string;
const tokens = { ana: '', bob: '', anaHuman: '' };
const ana = () => user('ana@acme.test', tokens.ana);
const bob = () => user('bob@acme.test', tokens.bob);

beforeAll(async () => {
  await applyPolicySet(t.db.prisma, validatePolicySet(policies, 'test'), { source: 'test' });
  origin = t.world.service.url;
  const registered = await registerPep(t.world, 'gateway');
  pep = registered.pep;
  authorization = registered.authorization;
  tokens.ana = await t.world.agentToken('ana@acme.test');
  tokens.bob = await t.world.agentToken('bob@acme.test');
  tokens.anaHuman = await t.world.humanToken('ana@acme.test');
});

const evaluationUrl = () => `${origin}/access/v1/evaluation`;
const read = (path: string, type = 'dataset'): Omit<EvaluationRequest, 'subject'> => ({
  action: { name: 'read' },
  resource: { type, id: path },
});
const asAna = (path: string, type = 'dataset'): EvaluationRequest => ({
  subject: ana(),
  ...read(path, type),
});

interface GqlDataset {
  dataset: {
    tier: string;
    rowFilter: string | null;
    columns: { path: string; access: { masked: boolean; method: string | null } }[];
  } | null;
}
const datasetQuery = `query ($path: String!) {
  dataset(path: $path) { tier rowFilter columns { path access { masked method } } }
}`;

describe('the PDP metadata (§11)', () => {
  it('names this PDP, answers GET only, and every endpoint it advertises answers', async () => {
    const metadata = await send(`${origin}/.well-known/authzen-configuration`, { method: 'GET' });
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/json/);
    expect(metadata.body).toMatchObject({
      policy_decision_point: origin,
      access_evaluation_endpoint: `${origin}/access/v1/evaluation`,
      access_evaluations_endpoint: `${origin}/access/v1/evaluations`,
      search_resource_endpoint: `${origin}/access/v1/search/resource`,
      access_request_endpoint: `${origin}/access/v1/requests`,
      capabilities: expect.arrayContaining(['urn:openid:authzen:capability:access-request']),
    });
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const refused = await send(`${origin}/.well-known/authzen-configuration`, { method, body: {} });
      expect(refused.status, method).toBe(405);
    }
    const request = asAna('analytics.marts.customers');
    // Every *_endpoint answers its own request, not a 404 (§11.2.3: the PEP may use each one).
    for (const [parameter, body, status] of [
      ['access_evaluation_endpoint', request, 200],
      ['access_evaluations_endpoint', { ...request, evaluations: [{}] }, 200],
      [
        'search_resource_endpoint',
        { subject: ana(), action: { name: 'read' }, resource: { type: 'dataset' } },
        200,
      ],
      // A submission without a denial is refused as such, by the endpoint (not a 404).
      ['access_request_endpoint', { subject: ana(), ...read('analytics.marts.customers') }, 400],
    ] as const) {
      const url = metadata.body[parameter] as string;
      expect(url.startsWith(`${origin}/`), parameter).toBe(true);
      expect((await send(url, { authorization, body })).status, parameter).toBe(status);
    }
    const jwks = await send(metadata.body.jwks_uri as string, { method: 'GET' });
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toEqual(expect.any(Array));
  });
});

describe('access evaluation (§6)', () => {
  it('decides a read with its obligations: masks and row filters as GraphQL shows them to the same token', async () => {
    const datasets = await pep.searchResources(ana(), { name: 'discover' }, 'dataset');
    expect(datasets.results.map((result) => result.id)).toContain('analytics.marts.fct_orders');
    let masked = 0;
    let filtered = 0;
    for (const { id } of datasets.results) {
      const graphql = await t.world.gql<GqlDataset>(tokens.ana, datasetQuery, { path: id });
      expect(graphql.errors).toBeUndefined();
      const dataset = graphql.data!.dataset!;
      const decision = await pep.evaluate(asAna(id));
      expect(decision.decision, id).toBe(dataset.tier === 'READ');
      expect(decision.context?.tier).toBe(dataset.tier.toLowerCase());
      expect(decision.context?.row_filter ?? null, id).toBe(dataset.rowFilter);
      if (dataset.rowFilter) filtered++;
      for (const column of dataset.columns) {
        const onColumn = await pep.evaluate(asAna(column.path, 'column'));
        expect(onColumn.decision, column.path).toBe(true);
        const mask = onColumn.context?.mask as { method: string } | undefined;
        expect(mask?.method ?? null, column.path).toBe(column.access.method);
        if (mask) masked++;
      }
    }
    expect(filtered).toBeGreaterThan(0);
    expect(masked).toBeGreaterThan(0);
    const orders = await pep.evaluate(asAna('analytics.marts.fct_orders'));
    expect(orders).toMatchObject({
      decision: true,
      context: {
        tier: 'read',
        row_filter: "(region = 'emea')",
        policy_version: expect.any(Number),
        reasons: { allowed_by: expect.arrayContaining(['analysts-read-sales']) },
      },
    });
    const fullName = await pep.evaluate(asAna('analytics.marts.customers.full_name', 'column'));
    expect(fullName.context?.mask).toEqual({ method: 'hash', policy: 'analysts-read-sales' });
  });

  it('denies a read Bob may only discover, with why, and no obligations', async () => {
    const decision = await pep.evaluate({ subject: bob(), ...read('analytics.marts.fct_orders') });
    expect(decision.decision).toBe(false);
    expect(decision.context).toMatchObject({ tier: 'discover' });
    expect(decision.context).not.toHaveProperty('row_filter');
    expect(decision.context).not.toHaveProperty('mask');
    const discover = await pep.evaluate({
      subject: bob(),
      action: { name: 'discover' },
      resource: { type: 'dataset', id: 'analytics.marts.fct_orders' },
    });
    expect(discover.decision).toBe(true);
  });

  it('ignores members it does not know (§12.1.1)', async () => {
    const plain = await pep.evaluate(asAna('analytics.marts.customers'));
    const extended = await send(evaluationUrl(), {
      authorization,
      body: {
        subject: { ...ana(), tenant: 'x', properties: { ...ana().properties, department: 'finance' } },
        action: { name: 'read', properties: { method: 'GET' }, verb: 'x' },
        resource: {
          type: 'dataset',
          id: 'analytics.marts.customers',
          properties: { owner: 'me' },
          extra: [1],
        },
        context: { time: new Date().toISOString() },
        future_member: { anything: true },
      },
    });
    expect(extended.status).toBe(200);
    expect(extended.body).toEqual(plain);
  });

  it('refuses a request without subject, action or resource, and names what it can decide on', async () => {
    const whole = asAna('analytics.marts.customers') as unknown as Record<string, unknown>;
    for (const missing of ['subject', 'action', 'resource']) {
      const { [missing]: _gone, ...body } = whole;
      const answer = await send(evaluationUrl(), { authorization, body });
      expect(answer.status, missing).toBe(400);
      expect(answer.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining(missing) });
    }
    const type = await send(evaluationUrl(), {
      authorization,
      body: { ...whole, resource: { type: 'document', id: 'x' } },
    });
    expect(type.status).toBe(400);
    for (const allowed of ['dataset', 'column', 'metric', 'glossary_term']) {
      expect(type.body.message).toContain(allowed);
    }
    const action = await send(evaluationUrl(), {
      authorization,
      body: { ...whole, action: { name: 'delete' } },
    });
    expect(action.status).toBe(400);
    expect(action.body.message).toMatch(/discover/);
    expect(action.body.message).toMatch(/read/);
  });

  it('echoes X-Request-ID (§12.1.3)', async () => {
    const answer = await send(evaluationUrl(), {
      authorization,
      body: asAna('analytics.marts.customers'),
      headers: { 'x-request-id': 'gateway-req-42' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('gateway-req-42');
  });

  it('answers 401 with WWW-Authenticate to a caller that is not a registered PEP client', async () => {
    const registered = await registerPep(t.world, 'other gateway');
    const body = asAna('analytics.marts.customers');
    for (const [label, credentials] of [
      ['none', undefined],
      ['wrong secret', basic(registered.clientId, `${registered.clientSecret}x`)],
      ['unknown client', basic('pep_unknown', registered.clientSecret)],
      ['not basic', `Bearer ${tokens.ana}`],
      ['garbage', 'Basic !!!'],
    ] as const) {
      const answer = await send(evaluationUrl(), {
        ...(credentials ? { authorization: credentials } : {}),
        body,
      });
      expect(answer.status, label).toBe(401);
      expect(answer.headers.get('www-authenticate'), label).toMatch(/^Basic /);
      expect(answer.body).not.toHaveProperty('decision');
    }
  });

  it('refuses a body that is not JSON (400) or too large (413)', async () => {
    const notJson = await send(evaluationUrl(), { authorization, raw: '{"subject": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: 'bad_request' });
    const array = await send(evaluationUrl(), { authorization, body: [asAna('analytics.marts.customers')] });
    expect(array.status).toBe(400);
    const large = await send(evaluationUrl(), {
      authorization,
      body: { ...asAna('analytics.marts.customers'), context: { padding: 'x'.repeat(300 * 1024) } },
    });
    expect(large.status).toBe(413);
  });
});

describe('access evaluations (§7)', () => {
  const evaluationsUrl = () => `${origin}/access/v1/evaluations`;
  const readable = 'analytics.marts.customers';
  const hidden = 'analytics.snapshots.customers_snapshot';

  it('fills defaults in, each evaluation overriding what it names', async () => {
    const { evaluations } = await pep.evaluations({
      subject: ana(),
      action: { name: 'read' },
      resource: { type: 'dataset', id: readable },
      evaluations: [
        {},
        { resource: { type: 'dataset', id: 'analytics.marts.fct_orders' } },
        { subject: bob() },
        { action: { name: 'discover' }, subject: bob() },
        { resource: { type: 'column', id: 'analytics.marts.customers.full_name' } },
      ],
    });
    const singly = await Promise.all([
      pep.evaluate(asAna(readable)),
      pep.evaluate(asAna('analytics.marts.fct_orders')),
      pep.evaluate({ subject: bob(), ...read(readable) }),
      pep.evaluate({
        subject: bob(),
        action: { name: 'discover' },
        resource: { type: 'dataset', id: readable },
      }),
      pep.evaluate(asAna('analytics.marts.customers.full_name', 'column')),
    ]);
    expect(evaluations.map(withoutOffer)).toEqual(singly.map(withoutOffer));
    expect(evaluations.map((decision) => decision.decision)).toEqual([true, true, false, true, true]);
  });

  it('runs every evaluation by default, stops at the first denial or the first permit when asked', async () => {
    const boxcar = (semantic: string | undefined, paths: string[]) =>
      pep.evaluations({
        subject: ana(),
        action: { name: 'read' },
        evaluations: paths.map((id) => ({ resource: { type: 'dataset', id } })),
        ...(semantic ? { options: { evaluations_semantic: semantic } } : {}),
      });
    const paths = [readable, 'analytics.nowhere.nothing', 'analytics.marts.fct_orders'];
    const all = await boxcar(undefined, paths);
    expect(all.evaluations.map((decision) => decision.decision)).toEqual([true, false, true]);
    expect((await boxcar('execute_all', paths)).evaluations).toEqual(all.evaluations);
    const denyFirst = await boxcar('deny_on_first_deny', paths);
    expect(denyFirst.evaluations.map((decision) => decision.decision)).toEqual([true, false]);
    const permitFirst = await boxcar('permit_on_first_permit', [
      'analytics.nowhere.nothing',
      readable,
      hidden,
    ]);
    expect(permitFirst.evaluations.map((decision) => decision.decision)).toEqual([false, true]);
    const noPermit = await boxcar('permit_on_first_permit', ['analytics.nowhere.nothing', hidden]);
    expect(noPermit.evaluations.map((decision) => decision.decision)).toEqual([false, false]);
    const unknown = await send(evaluationsUrl(), {
      authorization,
      body: { subject: ana(), ...read(readable), options: { evaluations_semantic: 'majority' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('deny_on_first_deny');
  });

  it('treats an absent or empty evaluations array as a single evaluation', async () => {
    const single = await pep.evaluate(asAna(readable));
    for (const extra of [{}, { evaluations: [] }]) {
      const answer = await send(evaluationsUrl(), { authorization, body: { ...asAna(readable), ...extra } });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(single);
    }
  });

  it('refuses an item missing what no default supplies, and more than 200 items', async () => {
    const missing = await send(evaluationsUrl(), {
      authorization,
      body: { subject: ana(), evaluations: [read(readable), { action: { name: 'read' } }] },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/evaluations\[1\].*resource/);
    const many = await send(evaluationsUrl(), {
      authorization,
      body: {
        subject: ana(),
        action: { name: 'read' },
        evaluations: Array.from({ length: 201 }, () => ({ resource: { type: 'dataset', id: readable } })),
      },
    });
    expect(many.status).toBe(400);
    expect(many.body.message).toMatch(/200/);
    const atLimit = await pep.evaluations({
      subject: ana(),
      action: { name: 'read' },
      evaluations: Array.from({ length: 200 }, () => ({ resource: { type: 'dataset', id: readable } })),
    });
    expect(atLimit.evaluations).toHaveLength(200);
  });
});

describe('resource search (§8)', () => {
  const searchUrl = () => `${origin}/access/v1/search/resource`;

  it('pages with page.limit: no repeats, no gaps, count and total, the last next_token empty', async () => {
    const subject = ana();
    const action = { name: 'read' };
    const whole = await send(searchUrl(), {
      authorization,
      body: { subject, action, resource: { type: 'column' } },
    });
    expect(whole.status).toBe(200);
    const all = (whole.body.results as { id: string }[]).map((result) => result.id);
    expect(all.length).toBeGreaterThan(12);
    expect(whole.body.page).toEqual({ next_token: '', count: all.length, total: all.length });
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const answer = await send(searchUrl(), {
        authorization,
        body: {
          subject,
          action,
          resource: { type: 'column' },
          page: { limit: 5, ...(token ? { token } : {}) },
        },
      });
      expect(answer.status).toBe(200);
      const results = answer.body.results as { type: string; id: string }[];
      const page = answer.body.page as { next_token: string; count: number; total: number };
      expect(results.every((result) => result.type === 'column')).toBe(true);
      expect(page.count).toBe(results.length);
      expect(page.total).toBe(all.length);
      seen.push(...results.map((result) => result.id));
      token = page.next_token;
      pages++;
      if (token) expect(results).toHaveLength(5);
    } while (token && pages < 100);
    expect(pages).toBe(Math.ceil(all.length / 5));
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    // The spec-only client gets the same by following next_token.
    const followed = await pep.searchResources(subject, action, 'column', 5);
    expect(followed.results.map((result) => result.id)).toEqual(all);
  });

  it('gives only what an evaluation permits, and refuses an old page token for a changed request', async () => {
    for (const subject of [ana(), bob(), user('ana@acme.test', tokens.anaHuman)]) {
      for (const name of ['discover', 'read']) {
        const { results } = await pep.searchResources(subject, { name }, 'dataset');
        for (const result of results) {
          const decision = await pep.evaluate({ subject, action: { name }, resource: result });
          expect(decision.decision, `${subject.id} ${name} ${result.id}`).toBe(true);
        }
      }
    }
    const first = await send(searchUrl(), {
      authorization,
      body: {
        subject: ana(),
        action: { name: 'discover' },
        resource: { type: 'column' },
        page: { limit: 3 },
      },
    });
    const token = (first.body.page as { next_token: string }).next_token;
    expect(token).not.toBe('');
    for (const [label, changed] of [
      [
        'action',
        { subject: ana(), action: { name: 'read' }, resource: { type: 'column' }, page: { limit: 3, token } },
      ],
      [
        'subject',
        {
          subject: bob(),
          action: { name: 'discover' },
          resource: { type: 'column' },
          page: { limit: 3, token },
        },
      ],
      [
        'type',
        {
          subject: ana(),
          action: { name: 'discover' },
          resource: { type: 'dataset' },
          page: { limit: 3, token },
        },
      ],
      [
        'limit',
        {
          subject: ana(),
          action: { name: 'discover' },
          resource: { type: 'column' },
          page: { limit: 4, token },
        },
      ],
      [
        'garbage',
        {
          subject: ana(),
          action: { name: 'discover' },
          resource: { type: 'column' },
          page: { limit: 3, token: 'abc' },
        },
      ],
    ] as const) {
      const answer = await send(searchUrl(), { authorization, body: changed });
      expect(answer.status, label).toBe(400);
      expect(answer.body).toMatchObject({
        error: 'bad_request',
        message: expect.stringContaining('page.token'),
      });
    }
  });
});

/** A decision without the per-evaluation material of a requestable denial (ids and times differ). */
function withoutOffer(decision: Decision): Decision {
  const {
    evaluation_id: _id,
    evaluated_at: _at,
    access_request: _offer,
    ...context
  } = decision.context ?? {};
  return { ...decision, context };
}
