import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { DenialBindings } from '../../src/authzen/denial-binding.ts';
import { SigningKeys } from '../../src/identity/tokens/signing-keys.ts';
import type { AgentViewer } from '../../src/identity/viewer.ts';
import { type AuthzenPep, type Decision, type EvaluationRequest, PdpError } from '../support/authzen-pep.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { type RawAnswer, registerPep, send, user } from './support/authzen-world.ts';

/**
 * The access-request profile end to end, as a PEP written from the spec text drives it: a
 * requestable denial, the submission (routed to approvers, approved or denied by a rule at once),
 * the task's status, re-evaluation with the approval, and every way a submission is refused.
 * The request company's rules: analysts get internal data at once, engineers never confidential
 * data, the customers mart goes to the `approvers` group.
 */
const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50' });

const customers = 'analytics.marts.customers';
const orders = 'analytics.marts.fct_orders';
const justification = { justification: 'Churn analysis for the board' };

let pep: AuthzenPep;
let authorization: string;
let requestsUrl: string;

beforeAll(async () => {
  const registered = await registerPep(t.world, 'gateway');
  pep = registered.pep;
  authorization = registered.authorization;
  requestsUrl = `${t.world.service.url}/access/v1/requests`;
});

/** Ana (or `email`) through an agent of her own for this test, so tests do not share grants. */
async function agentSubject(agent: string, email = 'ana@acme.test') {
  const token = await t.world.agentToken(email, { agent });
  return { token, subject: user(email, token) };
}

const readOf = (subject: EvaluationRequest['subject'], id: string, type = 'dataset'): EvaluationRequest => ({
  subject,
  action: { name: 'read' },
  resource: { type, id },
});

interface Offer {
  endpoint: string;
  template: string;
  expires_at: string;
  binding_token: string;
  request_schema_url: string;
  display: { title: string; description: string };
}
const offerOf = (decision: Decision) => decision.context?.access_request as Offer;

/** The submission a spec-following PEP sends for `denied`, for the variations a PEP should never send. */
function submissionFor(denied: EvaluationRequest, decision: Decision) {
  const offer = offerOf(decision);
  return {
    subject: denied.subject,
    resource: denied.resource,
    action: denied.action,
    context: justification,
    denial: {
      expires_at: offer.expires_at,
      evaluation_id: decision.context?.evaluation_id as string,
      evaluated_at: decision.context?.evaluated_at as string,
      reason: decision.context?.reason as string,
      binding_token: offer.binding_token,
      template: offer.template,
    },
  };
}

function expectProblem(answer: RawAnswer, status: number, type: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({
    type: `urn:openid:authzen:access-request:error:${type}`,
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
}

const approve = async (approver: string, requestId: string) => {
  const approved = await t.world.gql(
    await t.world.humanToken(approver),
    'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
    { input: { requestId } },
  );
  expect(approved.errors).toBeUndefined();
  expect(approved.data).toEqual({ approveAccessRequest: { status: 'APPROVED' } });
};

const tierOf = async (token: string, path: string) =>
  (
    await t.world.gql<{ dataset: { tier: string } | null }>(
      token,
      'query ($path: String!) { dataset(path: $path) { tier } }',
      { path },
    )
  ).data?.dataset?.tier ?? null;

describe('requestable denials', () => {
  it('offers an access request for a read denied on an object the agent may discover', async () => {
    const { subject } = await agentSubject('offer agent');
    const before = Date.now();
    const decision = await pep.evaluate(readOf(subject, customers));
    expect(decision).toMatchObject({
      decision: false,
      context: {
        tier: 'discover',
        reason: 'approval_required',
        evaluation_id: expect.stringMatching(/^eval_/),
        evaluated_at: expect.any(String),
        access_request: {
          endpoint: pep.metadata.access_request_endpoint,
          template: expect.any(String),
          expires_at: expect.any(String),
          binding_token: expect.any(String),
          request_schema_url: expect.stringContaining(t.world.service.url),
          display: { title: expect.any(String), description: expect.stringContaining(customers) },
        },
      },
    });
    const offer = offerOf(decision);
    const lifetime = Date.parse(offer.expires_at) - before;
    expect(lifetime).toBeGreaterThan(9 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(10 * 60_000 + 1000);
    const schema = await send(offer.request_schema_url, { method: 'GET' });
    expect(schema.status).toBe(200);
    // Discovering a dataset shows no columns: a column of it answers as if it were not there.
    expect(await pep.evaluate(readOf(subject, `${customers}.full_name`, 'column'))).toEqual({
      decision: false,
      context: { reason: 'not_found' },
    });
    const discover = await pep.evaluate({ ...readOf(subject, customers), action: { name: 'discover' } });
    expect(discover.decision).toBe(true);
    expect(discover.context).not.toHaveProperty('access_request');
  });

  it('never offers one to a person with their own token, nor for a hidden or missing object', async () => {
    const human = user('ana@acme.test', await t.world.humanToken('ana@acme.test'));
    const own = await pep.evaluate(readOf(human, customers));
    expect(own.decision).toBe(false);
    expect(own.context).toMatchObject({ reason: 'read_not_allowed' });
    expect(own.context).not.toHaveProperty('access_request');
    expect(own.context).not.toHaveProperty('evaluation_id');
    await expect(
      pep.requestAccess(readOf(human, customers), own, { context: justification }),
    ).rejects.toThrow('not requestable');

    const { subject } = await agentSubject('offer agent');
    const hidden = await pep.evaluate(readOf(subject, 'analytics.snapshots.customers_snapshot'));
    const missing = await pep.evaluate(readOf(subject, 'analytics.snapshots.no_such_thing'));
    expect(hidden).toEqual({ decision: false, context: { reason: 'not_found' } });
    expect(missing).toEqual(hidden);
    const hiddenDiscover = await pep.evaluate({
      ...readOf(subject, 'analytics.snapshots.customers_snapshot'),
      action: { name: 'discover' },
    });
    expect(hiddenDiscover).toEqual(hidden);
    await expect(
      pep.requestAccess(readOf(subject, 'analytics.snapshots.customers_snapshot'), hidden, {
        context: justification,
      }),
    ).rejects.toThrow('not requestable');
  });
});

describe('access requests and their tasks', () => {
  it('routes a request to approvers: 202 pending, approved over GraphQL, re-evaluated to a permit', async () => {
    const { token, subject } = await agentSubject('routed agent');
    const denied = readOf(subject, customers);
    const decision = await pep.evaluate(denied);
    const submitted = await pep.requestAccess(denied, decision, { context: justification });
    expect(submitted.status).toBe(202);
    const { task } = submitted.answer;
    expect(task).toMatchObject({
      id: expect.any(String),
      status: 'pending',
      status_endpoint: `${requestsUrl}/${task.id}`,
      expires_at: expect.any(String),
    });
    expect(submitted.answer).not.toHaveProperty('result');
    expect(submitted.location).toBe(task.status_endpoint);
    expect((await pep.taskStatus(task)).task.status).toBe('pending');
    // Still denied while pending.
    expect((await pep.evaluate(denied)).decision).toBe(false);

    await approve('approver00@acme.test', task.id);
    const status = await pep.taskStatus(task);
    expect(status).toMatchObject({
      task: { id: task.id, status: 'approved', status_endpoint: task.status_endpoint },
      result: {
        mode: 'reevaluate',
        approval: {
          id: expect.any(String),
          approved_at: expect.any(String),
          approved_until: expect.any(String),
        },
      },
    });
    const approval = status.result!.approval!;
    const hours = (Date.parse(approval.approved_until) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(0);
    expect(hours).toBeLessThanOrEqual(24);

    const again = await pep.reevaluate(denied, status.result!);
    expect(again).toMatchObject({
      decision: true,
      context: { tier: 'read', approval: { id: approval.id, approved_until: approval.approved_until } },
    });
    expect(again.context).not.toHaveProperty('access_request');
    // The same decision reaches the agent's own slice, and without the approval in context too.
    expect(await tierOf(token, customers)).toBe('READ');
    expect((await pep.evaluate(denied)).decision).toBe(true);
  });

  it('answers 201 approved with the result when a rule approves at once', async () => {
    const { token, subject } = await agentSubject('auto agent');
    const denied = readOf(subject, orders);
    const decision = await pep.evaluate(denied);
    expect(decision.decision).toBe(false);
    // Asked for two days; the rule caps it at 8 hours.
    const submitted = await pep.requestAccess(denied, decision, {
      context: justification,
      requested_access: { requested_until: new Date(Date.now() + 2 * 86_400_000).toISOString() },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.answer).toMatchObject({
      task: { status: 'approved' },
      result: {
        mode: 'reevaluate',
        approval: { id: expect.any(String), approved_until: expect.any(String) },
      },
    });
    expect(submitted.answer.task).not.toHaveProperty('expires_at');
    expect(submitted.location).toBe(submitted.answer.task.status_endpoint);
    const hours = (Date.parse(submitted.answer.result!.approval!.approved_until) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(7.9);
    expect(hours).toBeLessThanOrEqual(8);
    expect((await pep.reevaluate(denied, submitted.answer.result!)).decision).toBe(true);
    expect(await tierOf(token, orders)).toBe('READ');
    expect(await pep.taskStatus(submitted.answer.task)).toEqual(
      expect.objectContaining({ task: submitted.answer.task, result: submitted.answer.result }),
    );
  });

  it('answers 201 denied, saying why, when a rule denies', async () => {
    const { subject } = await agentSubject('bob agent', 'bob@acme.test');
    const denied = readOf(subject, customers);
    const decision = await pep.evaluate(denied);
    const submitted = await pep.requestAccess(denied, decision, { context: justification });
    expect(submitted.status).toBe(201);
    expect(submitted.answer.task).toMatchObject({
      status: 'denied',
      display: { description: 'Confidential data is not for engineering' },
    });
    expect(submitted.answer).not.toHaveProperty('result');
    expect((await pep.evaluate(denied)).decision).toBe(false);
  });

  it('gives the same task for a retry under the same Idempotency-Key, and 409 for another body', async () => {
    const { subject } = await agentSubject('idempotent agent');
    const denied = readOf(subject, 'analytics.staging.stg_customers');
    const decision = await pep.evaluate(denied);
    const key = randomUUID();
    const first = await pep.requestAccess(denied, decision, { context: justification }, key);
    expect(first.status).toBe(202);
    const retry = await pep.requestAccess(denied, decision, { context: justification }, key);
    expect(retry.answer.task.id).toBe(first.answer.task.id);
    // The same body with its members in another order is the same submission.
    const body = submissionFor(denied, decision);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const sameAgain = await send(requestsUrl, {
      authorization,
      body: reordered,
      headers: { 'idempotency-key': key },
    });
    expect(sameAgain.status).toBe(202);
    expect((sameAgain.body.task as { id: string }).id).toBe(first.answer.task.id);
    const other = await send(requestsUrl, {
      authorization,
      body: { ...body, context: { justification: 'Another reason entirely, for the audit' } },
      headers: { 'idempotency-key': key },
    });
    expectProblem(other, 409, 'duplicate_request');
    // Only one request was filed.
    expect(await t.db.prisma.pepTask.count({ where: { idempotencyKey: key } })).toBe(1);
  });
});

describe('one request per denial', () => {
  it('files one request for many concurrent submissions of one denial; a rule-decided denial cannot be filed again', async () => {
    const { subject } = await agentSubject('racing agent');
    const denied = readOf(subject, 'analytics.staging.stg_customers');
    const decision = await pep.evaluate(denied);
    const body = submissionFor(denied, decision);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        send(requestsUrl, {
          authorization,
          body:
            index % 2
              ? body
              : { ...body, context: { justification: `Reason number ${index} for the board` } },
        }),
      ),
    );
    const filed = answers.filter((answer) => answer.status === 202);
    // Each answer is the one task, or (while it is being filed) a conflict to ask again.
    for (const answer of answers) expect([202, 409], JSON.stringify(answer.body)).toContain(answer.status);
    expect(filed.length).toBeGreaterThan(0);
    expect(new Set(filed.map((answer) => (answer.body.task as { id: string }).id)).size).toBe(1);
    const evaluationId = decision.context?.evaluation_id as string;
    const uses = await t.db.prisma.pepDenialUse.findMany({
      where: { evaluationId },
      include: { pepTask: true },
    });
    expect(uses).toHaveLength(1);
    expect(await t.db.prisma.accessRequest.count({ where: { id: uses[0]!.pepTask.requestId! } })).toBe(1);

    // Bob's denial a rule denies at once: presented again, it answers with that decision, never a new request.
    const bob = await agentSubject('bob racing agent', 'bob@acme.test');
    const bobDenied = readOf(bob.subject, customers);
    const bobDecision = await pep.evaluate(bobDenied);
    const first = await send(requestsUrl, { authorization, body: submissionFor(bobDenied, bobDecision) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.task).toMatchObject({ status: 'denied' });
    const again = await send(requestsUrl, {
      authorization,
      body: {
        ...submissionFor(bobDenied, bobDecision),
        context: { justification: 'Asking once more, differently' },
      },
    });
    expect(again.status).toBe(201);
    expect((again.body.task as { id: string }).id).toBe((first.body.task as { id: string }).id);
  });
});

describe('submissions that do not bind to a denial', () => {
  it('refuses a binding token of another subject, resource or action, a missing or a tampered one', async () => {
    const { subject } = await agentSubject('binding agent');
    const denied = readOf(subject, customers);
    const decision = await pep.evaluate(denied);
    const body = submissionFor(denied, decision);
    const other = await agentSubject('another agent');
    const bob = await agentSubject('binding agent', 'bob@acme.test');
    const otherDenied = await pep.evaluate(readOf(subject, 'analytics.staging.stg_customers'));
    const token = offerOf(decision).binding_token;
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    const forged = Buffer.from(
      JSON.stringify({
        ...decodeJwt(token),
        resource: { type: 'dataset', id: 'analytics.staging.stg_customers' },
      }),
    ).toString('base64url');
    const cases: [string, Record<string, unknown>][] = [
      ['another agent of the same person', { ...body, subject: other.subject }],
      ['another person', { ...body, subject: bob.subject }],
      ['another resource', { ...body, resource: { type: 'dataset', id: 'analytics.staging.stg_customers' } }],
      ['another resource type', { ...body, resource: { type: 'column', id: customers } }],
      ['another action', { ...body, action: { name: 'discover' } }],
      [
        'another denial of the same subject',
        { ...body, denial: { ...body.denial, binding_token: offerOf(otherDenied).binding_token } },
      ],
      [
        'another evaluation id',
        { ...body, denial: { ...body.denial, evaluation_id: otherDenied.context?.evaluation_id } },
      ],
      [
        'an echoed expiry moved earlier',
        { ...body, denial: { ...body.denial, expires_at: new Date(Date.now() + 60_000).toISOString() } },
      ],
      ['no binding token', { ...body, denial: { expires_at: body.denial.expires_at } }],
      ['no denial', { subject, resource: denied.resource, action: denied.action, context: justification }],
      [
        'a tampered signature',
        { ...body, denial: { ...body.denial, binding_token: `${header}.${payload}.${flipped}` } },
      ],
      [
        'a forged payload',
        { ...body, denial: { ...body.denial, binding_token: `${header}.${forged}.${signature}` } },
      ],
      ['not a token', { ...body, denial: { ...body.denial, binding_token: 'garbage' } }],
      ['an agent delegation token', { ...body, denial: { ...body.denial, binding_token: other.token } }],
    ];
    const filedBefore = await t.db.prisma.accessRequest.count();
    for (const [label, wrong] of cases) {
      const answer = await send(requestsUrl, { authorization, body: wrong });
      expect(answer.status, label).toBe(400);
      expectProblem(answer, 400, 'invalid_denial_binding');
    }
    // Nothing was filed; the genuine submission still goes through.
    expect(await t.db.prisma.accessRequest.count()).toBe(filedBefore);
    const genuine = await send(requestsUrl, { authorization, body });
    expect(genuine.status).toBe(202);
  });

  it('answers 410 expired_denial once the denial is stale', async () => {
    const { subject } = await agentSubject('stale agent');
    const denied = readOf(subject, 'analytics.staging.stg_orders');
    const decision = await pep.evaluate(denied);
    const body = submissionFor(denied, decision);
    // A binding issued eleven minutes ago with aperture's own keys: its ten minutes are over.
    const claims = decodeJwt(body.denial.binding_token);
    const bindings = new DenialBindings(new SigningKeys(t.db.prisma), claims.iss!);
    const viewer = {
      human: { id: claims.sub },
      chain: (claims.chain as string[]).map((id) => ({ id })),
      intent: claims.intent,
    } as unknown as AgentViewer;
    const stale = await bindings.issue(
      viewer,
      { type: 'dataset', id: 'analytics.staging.stg_orders' },
      'read',
      { audience: claims.aud as string, pepClientId: claims.pep as string },
      new Date(Date.now() - 11 * 60_000),
    );
    const expired = await send(requestsUrl, {
      authorization,
      body: {
        ...body,
        denial: {
          expires_at: stale.expiresAt.toISOString(),
          evaluation_id: stale.evaluationId,
          binding_token: stale.token,
        },
      },
    });
    expectProblem(expired, 410, 'expired_denial');
    // A fresh token whose echoed expiry is past: the earlier of the two counts.
    const pastEcho = await send(requestsUrl, {
      authorization,
      body: { ...body, denial: { ...body.denial, expires_at: new Date(Date.now() - 1000).toISOString() } },
    });
    expectProblem(pastEcho, 410, 'expired_denial');
    // A stale token with an echo moved into the future is still stale.
    const laterEcho = await send(requestsUrl, {
      authorization,
      body: {
        ...body,
        denial: { expires_at: new Date(Date.now() + 3_600_000).toISOString(), binding_token: stale.token },
      },
    });
    expectProblem(laterEcho, 410, 'expired_denial');
    // The same issuer, fresh: a control that the minted binding is otherwise one of aperture's own.
    const fresh = await bindings.issue(
      viewer,
      { type: 'dataset', id: 'analytics.staging.stg_orders' },
      'read',
      { audience: claims.aud as string, pepClientId: claims.pep as string },
    );
    const accepted = await send(requestsUrl, {
      authorization,
      body: { ...body, denial: { expires_at: fresh.expiresAt.toISOString(), binding_token: fresh.token } },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
  });
});

describe('task status', () => {
  it('answers unknown_task, in one shape, for another client’s task, a random id and garbage', async () => {
    const { subject } = await agentSubject('status agent');
    const denied = readOf(subject, customers);
    const filed = await pep.requestAccess(denied, await pep.evaluate(denied), { context: justification });
    const mine = await send(filed.answer.task.status_endpoint, { method: 'GET', authorization });
    expect(mine.status).toBe(200);
    const stranger = await registerPep(t.world, 'another gateway');
    const shapes: string[] = [];
    for (const [label, id, credentials] of [
      ['another client', filed.answer.task.id, stranger.authorization],
      ['random uuid', randomUUID(), authorization],
      ['garbage', 'no-such-task', authorization],
      ['nested path', `${randomUUID()}/cancel`, authorization],
    ] as const) {
      const answer = await send(`${requestsUrl}/${id}`, { method: 'GET', authorization: credentials });
      expectProblem(answer, 404, 'unknown_task');
      shapes.push(JSON.stringify({ ...answer.body, detail: String(answer.body.detail).split(id).join('X') }));
      expect(answer.body, label).not.toHaveProperty('task');
    }
    expect(new Set(shapes).size).toBe(1);
    await expect(stranger.pep.taskStatus(filed.answer.task)).rejects.toBeInstanceOf(PdpError);
    const unauthenticated = await send(filed.answer.task.status_endpoint, { method: 'GET' });
    expect(unauthenticated.status).toBe(401);
  });
});

describe('re-evaluation with an approval (profile §9)', () => {
  it('after the grant is revoked: approval_expired, next_action request and a fresh offer', async () => {
    const { token, subject } = await agentSubject('revoked agent');
    const denied = readOf(subject, orders);
    const first = await pep.evaluate(denied);
    const submitted = await pep.requestAccess(denied, first, { context: justification });
    const result = submitted.answer.result!;
    expect((await pep.reevaluate(denied, result)).decision).toBe(true);
    const revoked = await t.world.governance.run(
      'mutation ($id: ID!) { revokeGrant(id: $id, reason: "no longer needed") { status } }',
      { id: result.approval!.id },
    );
    expect(revoked.data).toEqual({ revokeGrant: { status: 'REVOKED' } });
    const after = await pep.reevaluate(denied, result);
    expect(after).toMatchObject({
      decision: false,
      context: {
        reason: 'approval_expired',
        next_action: 'request',
        evaluation_id: expect.any(String),
        access_request: { binding_token: expect.any(String), expires_at: expect.any(String) },
      },
    });
    expect(offerOf(after).binding_token).not.toBe(offerOf(first).binding_token);
    expect(after.context?.evaluation_id).not.toBe(first.context?.evaluation_id);
    expect(await tierOf(token, orders)).toBe('DISCOVER');
    // The fresh offer is good for a new request.
    const renewed = await pep.requestAccess(denied, after, { context: justification });
    expect(renewed.status).toBe(201);
    expect(renewed.answer.result!.approval!.id).not.toBe(result.approval!.id);
  });

  it('an approval that is not the subject’s: approval_unverifiable, next_action none, no offer', async () => {
    const ana = await agentSubject('owner agent');
    const denied = readOf(ana.subject, orders);
    const submitted = await pep.requestAccess(denied, await pep.evaluate(denied), { context: justification });
    const result = submitted.answer.result!;
    for (const [label, subject] of [
      ['another person', (await agentSubject('owner agent', 'bob@acme.test')).subject],
      ['another agent of the same person', (await agentSubject('other owner agent')).subject],
    ] as const) {
      const decision = await pep.reevaluate({ ...denied, subject }, result);
      expect(decision, label).toMatchObject({
        decision: false,
        context: { reason: 'approval_unverifiable', next_action: 'none' },
      });
      expect(decision.context, label).not.toHaveProperty('access_request');
      expect(decision.context, label).not.toHaveProperty('approval');
    }
    for (const approval of [{ id: randomUUID() }, { id: 'not-an-id' }, { nothing: true }, 'a string']) {
      const decision = await pep.evaluate({ ...denied, context: { approval } });
      expect(decision, JSON.stringify(approval)).toMatchObject({
        decision: true,
      });
    }
    const bob = (await agentSubject('owner agent', 'bob@acme.test')).subject;
    for (const approval of [{ id: randomUUID() }, { id: 'not-an-id' }, { nothing: true }, 'a string']) {
      const decision = await pep.evaluate({ ...readOf(bob, orders), context: { approval } });
      expect(decision, JSON.stringify(approval)).toMatchObject({
        decision: false,
        context: { reason: 'approval_unverifiable', next_action: 'none' },
      });
    }
  });
});
