import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestSnapshot } from '../../src/requests/request-snapshot.ts';
import { type RequestWorld, requestAccessMutation, startRequestWorld } from '../support/requests-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import {
  approverEmails,
  financeEmails,
  insertDecidedRequests,
  loadMiningCompany,
  marketingEmails,
} from './workflow-fixture.ts';

/**
 * The mining workflow as governance uses it, on the real service: people decide requests
 * (through the API), governance mines them, reviews the suggestions with their evidence, accepts
 * one as a rule (which then decides the next request on its own) and rejects another (which stays
 * rejected until its evidence changes materially).
 *
 * History: 12 requests filed by agents and decided by approvers through the API (6 finance
 * analysts approved, 6 marketers denied, by 12 different approvers), and, for volume, 251
 * decided requests written straight into the database with the same rows and snapshots the flow
 * writes (see `insertDecidedRequests`): 150 finance approvals, 1 finance denial, 100 marketing
 * denials, spread over the 20 approvers.
 */

let db: TestDatabase;
let idp: TestIdentityProvider;
let world: RequestWorld;
let gina: string;
/** The one finance request people denied: the disagreeing example. */
let financeDenialId: string;
let agentId: string;
let customers: RequestSnapshot['resources'][number];

const customersPath = 'analytics.marts.customers';

interface Filed {
  requestAccess: {
    request: { id: string; status: string; ruleId: string | null; decidedBy: string | null };
  };
}

const fileRequest = async (email: string) => {
  const token = await world.agentToken(email);
  const filed = await world.gql<Filed>(token, requestAccessMutation, {
    input: {
      paths: [customersPath],
      tier: 'READ',
      justification: 'Customer churn question',
      duration: 'PT4H',
    },
  });
  if (!filed.data) throw new Error(JSON.stringify(filed.errors));
  return filed.data.requestAccess.request;
};

const decide = async (approver: string, verb: 'approve' | 'deny', requestId: string) => {
  const decided = await world.gql(
    await world.humanToken(approver),
    `mutation ($input: DecideAccessRequestInput!) { ${verb}AccessRequest(input: $input) { status } }`,
    { input: { requestId, ...(verb === 'deny' ? { reason: 'Not for this team' } : {}) } },
  );
  if (decided.errors) throw new Error(JSON.stringify(decided.errors));
};

const suggestionFields = `id status action summary support approved denied rate lowerBound confidence
  distinctApprovers distinctTeams teams conditions { attribute operator value }
  backtest { autoDecided agreed overturned overturnRate }
  reach { humans resources pairs decidedPairs undecidedPairs }
  conflicts { ruleId action sharedDecisions }
  previousRejection { suggestionId reason support }
  promise { calibration threshold text heldOut { denials } }
  evidence ruleDraft rejectReason acceptedRuleId reviewedByEmail`;

interface Suggestion {
  id: string;
  status: string;
  action: string;
  summary: string;
  support: number;
  approved: number;
  denied: number;
  lowerBound: number;
  distinctApprovers: number;
  teams: string[];
  conflicts: { ruleId: string; action: string; sharedDecisions: number }[];
  previousRejection: { suggestionId: string; reason: string; support: number } | null;
  promise: {
    calibration: string;
    threshold: number;
    text: string;
    heldOut: { denials: number } | null;
  } | null;
  evidence: { examples: { disagreeing: { id: string }[] } };
  ruleDraft: Record<string, unknown> | null;
  acceptedRuleId: string | null;
  rejectReason: string | null;
  reviewedByEmail: string | null;
}

interface RunSummary {
  id: string;
  requests: number;
  decisions: number;
  suggestions: Record<string, number>;
  calibration: {
    status: string;
    threshold: number;
    estimator: string;
    denials: number;
    heldOut: null | object;
    text: string;
  };
}

const runMining = async (token = gina) => {
  const run = await world.gql<{ runMining: RunSummary }>(
    token,
    `mutation { runMining { id requests decisions
        suggestions { mined new resurfaced refreshed superseded withheldRejected withheldAccepted }
        calibration { status threshold estimator denials heldOut { denials falseApprovals } text } } }`,
  );
  if (!run.data) throw new Error(JSON.stringify(run.errors));
  return run.data.runMining;
};

const listSuggestions = async (status: string[]) =>
  (
    await world.gql<{ ruleSuggestions: { edges: { node: Suggestion }[] } }>(
      gina,
      `query ($status: [RuleSuggestionStatus!]) { ruleSuggestions(status: $status) { edges { node { ${suggestionFields} } } } }`,
      { status },
    )
  ).data!.ruleSuggestions.edges.map((edge) => edge.node);

const newSuggestion = async (action: 'approve' | 'deny') => {
  const found = (await listSuggestions(['NEW'])).find((suggestion) => suggestion.action === action);
  if (!found) throw new Error(`no NEW ${action} suggestion`);
  return found;
};

/** A review's outcome: the winner's status, `CONFLICT`, or any other error's code and message. */
const outcome = (
  result: { errors?: { message: string; extensions?: { code?: string } }[] },
  success: 'ACCEPTED' | 'REJECTED',
) => {
  const error = result.errors?.[0];
  if (!error) return success;
  return error.extensions?.code === 'CONFLICT' ? 'CONFLICT' : `${error.extensions?.code}: ${error.message}`;
};

const accept = (token: string, id: string, edits?: Record<string, unknown>) =>
  world.gql<{
    acceptRuleSuggestion: { rule: Record<string, unknown>; ruleSetVersion: number; suggestion: Suggestion };
  }>(
    token,
    `mutation ($id: ID!, $edits: AcceptRuleSuggestionInput) {
      acceptRuleSuggestion(id: $id, edits: $edits) { rule ruleSetVersion suggestion { ${suggestionFields} } } }`,
    { id, edits },
  );

const reject = (token: string, id: string, reason: string) =>
  world.gql<{ rejectRuleSuggestion: Suggestion }>(
    token,
    `mutation ($id: ID!, $reason: String!) { rejectRuleSuggestion(id: $id, reason: $reason) { ${suggestionFields} } }`,
    { id, reason },
  );

const simulate = (token: string, rule: unknown) =>
  world.gql<{ simulateRule: Record<string, unknown> }>(
    token,
    `query ($rule: JSON!) { simulateRule(rule: $rule) {
      ruleId action decisions matched matchedApproved matchedDenied overturned overturnRate overturnedExamples
      withRules { decidedByDraft approve deny route } } }`,
    { rule },
  );

const ruleSetVersion = async () =>
  (await db.prisma.ruleSetVersion.findFirst({ orderBy: { version: 'desc' } }))?.version ?? 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadMiningCompany(db.prisma);
  idp = await TestIdentityProvider.create();
  world = await startRequestWorld(db, idp, { APERTURE_JOB_POLL_MS: '50' });
  gina = await world.humanToken('gina@acme.test');

  // Through the API: agents file, approvers decide.
  for (const [index, email] of financeEmails.slice(0, 6).entries()) {
    const request = await fileRequest(email);
    expect(request).toMatchObject({ status: 'PENDING', ruleId: 'confidential-to-approvers' });
    await decide(approverEmails[index]!, 'approve', request.id);
  }
  for (const [index, email] of marketingEmails.slice(0, 6).entries()) {
    const request = await fileRequest(email);
    await decide(approverEmails[6 + index]!, 'deny', request.id);
  }

  // Volume, written directly, a month back.
  const template = await db.prisma.accessRequest.findFirstOrThrow({ where: { status: 'APPROVED' } });
  agentId = template.agentId;
  customers = (template.snapshot as unknown as RequestSnapshot).resources[0]!;
  const start = new Date(Date.now() - 30 * 86_400_000);
  const batch = { agentId, approvers: approverEmails, resource: customers, start };
  await insertDecidedRequests(db.prisma, {
    ...batch,
    humans: financeEmails,
    outcome: 'APPROVED',
    count: 150,
  });
  const [denial] = await insertDecidedRequests(db.prisma, {
    ...batch,
    humans: financeEmails,
    outcome: 'DENIED',
    count: 1,
    start: new Date(start.getTime() + 1_000),
  });
  financeDenialId = denial!;
  await insertDecidedRequests(db.prisma, {
    ...batch,
    humans: marketingEmails,
    outcome: 'DENIED',
    count: 100,
  });
});

afterAll(async () => {
  await world.service.stop();
  await idp.close();
  await db.dispose();
});

describe('mining the decisions people made', () => {
  it('stores NEW suggestions with their evidence, conflicts and the rule they would become', async () => {
    const run = await runMining();
    expect(run).toMatchObject({
      requests: 263,
      decisions: 263,
      suggestions: { mined: 2, new: 2, resurfaced: 0, refreshed: 0, superseded: 0, withheldRejected: 0 },
      // 107 denials cannot show false approvals within 1% at 99%: the fixed default applies.
      calibration: {
        status: 'too-few-denials',
        threshold: 0.95,
        estimator: 'wilson',
        denials: 107,
        heldOut: null,
        text: 'The history has too few denials (107) to show false approvals within 1%, so the fixed threshold 95% applies and no promise is made.',
      },
    });
    const approve = await newSuggestion('approve');
    expect(approve).toMatchObject({
      status: 'NEW',
      summary: `approve when resource.path = ${customersPath} and human.department = finance`,
      support: 157,
      approved: 156,
      denied: 1,
      distinctApprovers: 20,
      teams: ['sales'],
      conflicts: [{ ruleId: 'contractors-no-pii', action: 'deny', sharedDecisions: 0 }],
      previousRejection: null,
      ruleDraft: {
        action: 'approve',
        maxDuration: 'PT8H',
        when: {
          human: { match: 'all', conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
          resources: { paths: [customersPath] },
        },
        provenance: { suggestion: approve.id },
      },
    });
    expect(approve.lowerBound).toBeGreaterThanOrEqual(0.95);
    expect(approve.promise).toMatchObject({ calibration: 'too-few-denials', threshold: 0.95, heldOut: null });
    expect(approve.promise?.text).toMatch(
      /^The lower bound of its approval rate \(95% confidence\) is 9\d\.\d+% on 157 decisions, at or above the threshold 95%\. The history has too few denials \(107\) .* no promise is made\.$/,
    );
    expect(approve.evidence.examples.disagreeing.map((example) => example.id)).toEqual([financeDenialId]);
    expect(await newSuggestion('deny')).toMatchObject({
      summary: `deny when resource.path = ${customersPath} and human.department = marketing`,
      support: 106,
      denied: 106,
      conflicts: [],
    });
    expect(await db.prisma.auditEvent.count({ where: { type: 'mining.run', subjectId: run.id } })).toBe(1);

    // A second run finds the same: refreshed in place, same ids, nothing new.
    expect((await runMining()).suggestions).toMatchObject({ mined: 2, new: 0, refreshed: 2 });
    expect((await newSuggestion('approve')).id).toBe(approve.id);

    // A threshold set by hand is used as it is, and promises nothing.
    const fixed = await world.gql<{ runMining: Pick<RunSummary, 'calibration'> }>(
      gina,
      'mutation { runMining(options: { threshold: 0.9 }) { calibration { status threshold estimator denials heldOut { denials } text } } }',
    );
    expect(fixed.data?.runMining.calibration).toMatchObject({
      status: 'fixed',
      threshold: 0.9,
      heldOut: null,
    });
    const refreshed = await newSuggestion('approve');
    expect(refreshed.promise).toMatchObject({ calibration: 'fixed', threshold: 0.9 });
    expect(refreshed.promise?.text).toMatch(
      /The threshold 90% was set by hand; no promise on false approvals/,
    );
  });

  it('gives typed errors for bad input and changes nothing', async () => {
    const approve = await newSuggestion('approve');
    const version = await ruleSetVersion();
    const code = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
      result.errors?.[0]?.extensions?.code;

    const invalidDraft = await simulate(gina, { id: 'draft', description: 'no limit', action: 'approve' });
    expect(code(invalidDraft)).toBe('INVALID_INPUT');
    expect(invalidDraft.errors?.[0]?.message).toMatch(/maxDuration/);
    expect(code(await accept(gina, '00000000-0000-4000-8000-000000000000'))).toBe('NOT_FOUND');
    expect(code(await accept(gina, 'not-an-id'))).toBe('NOT_FOUND');
    expect(code(await reject(gina, '00000000-0000-4000-8000-000000000000', 'not wanted'))).toBe('NOT_FOUND');
    expect(code(await reject(gina, approve.id, ' '))).toBe('INVALID_INPUT');
    const badDuration = await accept(gina, approve.id, { maxDuration: 'soon' });
    expect(code(badDuration)).toBe('INVALID_INPUT');
    expect(badDuration.errors?.[0]?.message).toMatch(/maxDuration/);
    const takenId = await accept(gina, approve.id, { ruleId: 'contractors-no-pii' });
    expect(code(takenId)).toBe('INVALID_INPUT');
    expect(takenId.errors?.[0]?.message).toMatch(/duplicate rule id contractors-no-pii/);
    const badOptions = await world.gql(gina, 'mutation { runMining(options: { threshold: 2 }) { id } }');
    expect(code(badOptions)).toBe('INVALID_INPUT');
    for (const rate of [0, 0.5]) {
      const badTarget = await world.gql(
        gina,
        `mutation { runMining(options: { maxFalseApprovalRate: ${rate} }) { id } }`,
      );
      expect(code(badTarget)).toBe('INVALID_INPUT');
    }
    const missing = await world.gql<{ ruleSuggestion: null }>(
      gina,
      'query { ruleSuggestion(id: "nope") { id } }',
    );
    expect(missing.data?.ruleSuggestion).toBeNull();

    expect(await ruleSetVersion()).toBe(version);
    expect((await newSuggestion('approve')).status).toBe('NEW');
    expect(await db.prisma.miningRun.count({ where: { finishedAt: null } })).toBe(0);
  });

  it('is governance only: agents and other people get FORBIDDEN for every operation', async () => {
    const approve = await newSuggestion('approve');
    const runs = await db.prisma.miningRun.count();
    const viewers = [await world.agentToken('fin01@acme.test'), await world.humanToken('bob@acme.test')];
    const draft = { id: 'draft', description: 'Finance', action: 'approve', maxDuration: 'PT1H' };
    for (const token of viewers) {
      const results = [
        await world.gql(token, 'query { ruleSuggestions { totalCount } }'),
        await world.gql(token, 'query ($id: ID!) { ruleSuggestion(id: $id) { id } }', { id: approve.id }),
        await simulate(token, draft),
        await accept(token, approve.id),
        await reject(token, approve.id, 'not wanted'),
        await world.gql(token, 'mutation { runMining { id } }'),
      ];
      expect(results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(
        Array(6).fill('FORBIDDEN'),
      );
    }
    expect((await newSuggestion('approve')).id).toBe(approve.id);
    expect(await db.prisma.miningRun.count()).toBe(runs);
  });

  it('accepting a suggestion creates a rule that auto-approves the next matching request', async () => {
    const approve = await newSuggestion('approve');
    const version = await ruleSetVersion();
    const accepted = await accept(gina, approve.id, { maxDuration: 'PT2H' });
    expect(accepted.errors).toBeUndefined();
    const { rule, suggestion, ruleSetVersion: addedIn } = accepted.data!.acceptRuleSuggestion;
    const ruleId = rule.id as string;
    expect(ruleId).toMatch(/^mined-[0-9a-f]{8}$/);
    expect(rule).toMatchObject({
      action: 'approve',
      maxDuration: 7_200,
      provenance: { suggestion: approve.id },
      when: { resources: { paths: [customersPath] } },
    });
    expect(rule.description).toMatch(/157 such requests: 156 approved, 1 denied/);
    expect(suggestion).toMatchObject({
      status: 'ACCEPTED',
      acceptedRuleId: ruleId,
      reviewedByEmail: 'gina@acme.test',
    });
    expect(addedIn).toBe(version + 1);
    const rules = await world.gql<{ rules: { rules: { id: string }[] } }>(gina, '{ rules { rules } }');
    expect(rules.data!.rules.rules.map((each) => each.id)).toEqual([
      ruleId,
      'contractors-no-pii',
      'confidential-to-approvers',
    ]);
    const audited = await db.prisma.auditEvent.findMany({
      where: {
        OR: [
          { type: 'rule-suggestion.accepted', subjectId: approve.id },
          { type: 'rules.applied', subjectId: String(addedIn) },
        ],
      },
      orderBy: { id: 'asc' },
    });
    expect(audited.map((event) => [event.type, event.actorHumanId !== null])).toEqual([
      ['rule-suggestion.accepted', true],
      ['rules.applied', true],
    ]);
    expect(audited[1]!.payload).toMatchObject({ source: `rule-suggestion:${approve.id}`, added: [ruleId] });

    // The next finance analyst's request is approved by the mined rule, inside the mutation.
    expect(await fileRequest('fin07@acme.test')).toMatchObject({
      status: 'APPROVED',
      ruleId,
      decidedBy: `rule:${ruleId}`,
    });
    // A marketer's still goes to the approvers.
    expect(await fileRequest('mkt07@acme.test')).toMatchObject({ status: 'PENDING' });

    // Reviewed once: a second accept or a reject is a conflict, and nothing changes.
    const again = await accept(gina, approve.id);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toMatch(/already accepted/);
    expect((await reject(gina, approve.id, 'changed my mind')).errors?.[0]?.extensions?.code).toBe(
      'CONFLICT',
    );
    expect(await ruleSetVersion()).toBe(version + 1);
  });

  it('a rejected suggestion stays rejected, until its evidence changes materially', async () => {
    const deny = await newSuggestion('deny');
    const rejected = await reject(gina, deny.id, 'Marketing may get customer data for campaigns soon');
    expect(rejected.data?.rejectRuleSuggestion).toMatchObject({
      status: 'REJECTED',
      rejectReason: 'Marketing may get customer data for campaigns soon',
      reviewedByEmail: 'gina@acme.test',
    });

    // Same history: withheld. The accepted one is a rule now and is not suggested either.
    expect((await runMining()).suggestions).toMatchObject({ mined: 1, new: 0, withheldRejected: 1 });
    expect(await listSuggestions(['NEW'])).toEqual([]);
    expect((await listSuggestions(['REJECTED'])).map((suggestion) => suggestion.id)).toEqual([deny.id]);

    // 10 more denials: not material (106 → 116).
    const batch = { agentId, approvers: approverEmails, resource: customers, humans: marketingEmails };
    await insertDecidedRequests(db.prisma, {
      ...batch,
      outcome: 'DENIED',
      count: 10,
      start: new Date(Date.now() - 86_400_000),
    });
    expect((await runMining()).suggestions).toMatchObject({ new: 0, withheldRejected: 1 });

    // 30 more (106 → 146, +38%): it comes back as NEW, naming the rejection; that one stays rejected.
    await insertDecidedRequests(db.prisma, {
      ...batch,
      outcome: 'DENIED',
      count: 30,
      start: new Date(Date.now() - 43_200_000),
    });
    expect((await runMining()).suggestions).toMatchObject({ new: 1, resurfaced: 1, withheldRejected: 0 });
    expect(await newSuggestion('deny')).toMatchObject({
      support: 146,
      previousRejection: {
        suggestionId: deny.id,
        reason: 'Marketing may get customer data for campaigns soon',
        support: 106,
      },
    });
    expect((await listSuggestions(['REJECTED'])).map((suggestion) => suggestion.id)).toEqual([deny.id]);
  });

  it('simulateRule backtests a draft rule over the requests people decided', async () => {
    const decided = await db.prisma.accessRequest.count({
      where: { status: { in: ['APPROVED', 'DENIED'] }, decidedBy: { startsWith: 'person:' } },
    });
    const financeOnPii = {
      id: 'finance-pii',
      description: 'Finance reads PII',
      when: {
        human: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
        resources: { tags: ['pii'] },
      },
      action: 'approve',
      maxDuration: 'PT1H',
    };
    const result = await simulate(gina, financeOnPii);
    expect(result.errors).toBeUndefined();
    expect(result.data?.simulateRule).toEqual({
      ruleId: 'finance-pii',
      action: 'approve',
      decisions: decided,
      matched: 157,
      matchedApproved: 156,
      matchedDenied: 1,
      overturned: 1,
      overturnRate: 1 / 157,
      overturnedExamples: [financeDenialId],
      // First in the rules in force: it takes every finance request; the marketers' are routed.
      withRules: { decidedByDraft: 157, approve: 157, deny: 0, route: decided - 157 },
    });
    const denyMarketing = await simulate(gina, {
      id: 'no-marketing-customers',
      description: 'Marketing never gets customers',
      when: {
        human: { conditions: [{ attribute: 'department', op: 'equals', value: 'marketing' }] },
        resources: { paths: [customersPath] },
      },
      action: 'deny',
      reason: 'Not for marketing',
    });
    expect(denyMarketing.data?.simulateRule).toMatchObject({
      matched: 146,
      matchedApproved: 0,
      matchedDenied: 146,
      overturned: 0,
      overturnedExamples: [],
      withRules: { decidedByDraft: 146, deny: 146 },
    });
  });

  it('ruleSuggestions pages newest first with opaque cursors and a count', async () => {
    const stored = await db.prisma.ruleSuggestion.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
    expect(stored.length).toBeGreaterThanOrEqual(3);
    type Page = {
      totalCount: number;
      edges: { cursor: string; node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Page = (
        await world.gql<{ ruleSuggestions: Page }>(
          gina,
          `query ($after: String) { ruleSuggestions(first: 1, after: $after) {
          totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        )
      ).data!.ruleSuggestions;
      expect(page.totalCount).toBe(stored.length);
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      expect(after).not.toContain(page.edges[0]!.node.id);
    }
    expect(ids).toEqual(stored.map((suggestion) => suggestion.id));
    const rejected = await world.gql<{ ruleSuggestions: { totalCount: number } }>(
      gina,
      '{ ruleSuggestions(status: [REJECTED], first: 0) { totalCount } }',
    );
    expect(rejected.data?.ruleSuggestions.totalCount).toBe(
      stored.filter((suggestion) => suggestion.status === 'REJECTED').length,
    );
  });
});

describe('reviews at the same time', () => {
  it('the first review wins: of eight accepts and rejects at once, one; at most one new rule', async () => {
    const deny = await newSuggestion('deny');
    const version = await ruleSetVersion();
    // Mostly accepts: identical accepts racing each other are the hard case.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        index < 6
          ? accept(gina, deny.id).then((result) => outcome(result, 'ACCEPTED'))
          : reject(gina, deny.id, 'not now').then((result) => outcome(result, 'REJECTED')),
      ),
    );
    const winners = results.filter((result) => result === 'ACCEPTED' || result === 'REJECTED');
    expect(winners).toHaveLength(1);
    // Every other review is a CONFLICT; anything else shows its code and message.
    expect(results.filter((result) => result !== winners[0])).toEqual(Array(7).fill('CONFLICT'));
    const stored = await db.prisma.ruleSuggestion.findUniqueOrThrow({ where: { id: deny.id } });
    expect(stored.status).toBe(winners[0]);
    expect(await ruleSetVersion()).toBe(winners[0] === 'ACCEPTED' ? version + 1 : version);
    expect(
      await db.prisma.auditEvent.count({
        where: { type: { in: ['rule-suggestion.accepted', 'rule-suggestion.rejected'] }, subjectId: deny.id },
      }),
    ).toBe(1);
  });
});
