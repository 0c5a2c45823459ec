import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDecisions } from '../../bench/generate-decisions.ts';
import type { DecisionConsent } from '../../src/mining/decision-consent.ts';
import type { DecisionRecord } from '../../src/mining/decision-record.ts';
import { encodeDecisionRecords } from '../../src/mining/encode-decision-records.ts';
import { evaluateMining } from '../../src/mining/evaluate.ts';
import { mineSuggestions } from '../../src/mining/mine-rules.ts';
import type { RuleSuggestion } from '../../src/mining/rule-suggestion.ts';
import { seededRandom } from '../../src/mining/seeded-random.ts';
import type { DecidedRequest } from '../../src/mining/workflow/decided-request.ts';
import { decisionRecordsOf } from '../../src/mining/workflow/decisions-from-requests.ts';
import { RuleSimulation } from '../../src/mining/workflow/rule-simulation.ts';
import { describeSuggestion } from '../../src/mining/workflow/suggestion-to-rule.ts';
import type { RequestSnapshot } from '../../src/requests/request-snapshot.ts';
import type { RequestFacts } from '../../src/requests/rules/evaluate-rules.ts';
import { type RuleInput, ruleSchema } from '../../src/requests/rules/rule-schema.ts';
import { applyRuleSet, validateRuleSet } from '../../src/requests/rules/rule-store.ts';
import { type RequestWorld, requestAccessMutation, startRequestWorld } from '../support/requests-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { conditionsOf, decision, recordMatches } from './decision-fixtures.ts';
import {
  approverEmails,
  financeEmails,
  insertDecidedRequests,
  loadMiningCompany,
  marketingEmails,
  miningRules,
} from './workflow-fixture.ts';

/**
 * Mining learns from the confirmations of the people requests are made for: a "not me" answer is
 * the person's, not an approver's (it counts in no rate), and it vetoes every approve suggestion
 * that would match it; "always" consents and "not me" answers are shown as evidence.
 */

const finance = { department: 'finance', region: 'emea' };
const marketing = { department: 'marketing', region: 'amer' };

/** A request the person it was made for disowned: denied by them, with no approver. */
const notMe = (index: number, overrides: Parameters<typeof decision>[2] = {}): DecisionRecord => ({
  ...decision(index, 'denied', overrides),
  approver: null,
  consent: 'not-me',
});

const withConsent = (record: DecisionRecord, consent: DecisionConsent): DecisionRecord => ({
  ...record,
  consent,
});

/** 60 finance approvals of the orders table through agent-1, by four approvers. */
const financeApprovals = Array.from({ length: 60 }, (_, index) =>
  decision(index, 'approved', { human: finance }),
);

const approves = (suggestions: readonly RuleSuggestion[]) =>
  suggestions.filter((suggestion) => suggestion.action === 'approve');

describe('the "not me" veto', () => {
  it('never suggests an approve rule that matches a "not me" request, and looks for a narrower one that leaves it out', () => {
    // The same person and table, but through another agent: the person said it was not them.
    const disowned = notMe(1000, { human: finance, request: { agent: 'rogue-agent' } });
    const result = mineSuggestions([...financeApprovals, disowned]);

    expect(result.suggestions.map((suggestion) => [suggestion.action, ...conditionsOf(suggestion)])).toEqual([
      ['approve', 'resource.path=dw.sales.orders', 'human.department=finance', 'request.agent=agent-1'],
    ]);
    for (const suggestion of approves(result.suggestions)) {
      expect(recordMatches(disowned, suggestion.conditions)).toBe(false);
    }
    // The "not me" denial is in none of the counts: 60 of 60 approved.
    expect(result.suggestions[0]!.evidence).toMatchObject({
      support: 60,
      approved: 60,
      denied: 0,
      rate: 1,
      consent: { always: 0, notMe: 0 },
    });
    expect(result.stats.decisions).toBe(60);
    expect(result.stats.notMeDecisions).toBe(1);
    expect(result.stats.removedNotMe).toBeGreaterThan(0);
  });

  it('reports the broadest vetoed rules with the "not me" requests behind them', () => {
    const disowned = notMe(1000, { human: finance, request: { agent: 'rogue-agent' } });
    const { vetoed } = mineSuggestions([...financeApprovals, disowned]);
    const vetoedPair = vetoed.find(
      (rule) =>
        rule.conditions.length === 2 &&
        rule.conditions.some((condition) => condition.attribute === 'resource.path') &&
        rule.conditions.some((condition) => condition.value === 'finance'),
    );
    expect(vetoedPair).toMatchObject({
      id: 'approve:resource.path=dw.sales.orders&human.department=finance',
      support: 60,
      approved: 60,
      notMe: 1,
      notMeExamples: ['d1000'],
    });
    // Only the broadest: no vetoed rule's conditions include another's.
    for (const rule of vetoed) {
      for (const other of vetoed) {
        if (rule === other) continue;
        const includes = other.conditions.every((condition) =>
          rule.conditions.some(
            (mine) => mine.attribute === condition.attribute && mine.value === condition.value,
          ),
        );
        expect(includes).toBe(false);
      }
    }
  });

  it('suggests no approve rule at all when no condition tells the "not me" request apart', () => {
    const disowned = notMe(1000, { human: finance });
    const result = mineSuggestions([...financeApprovals, disowned]);
    expect(approves(result.suggestions)).toEqual([]);
    expect(result.vetoed.length).toBeGreaterThan(0);
    expect(result.vetoed.every((rule) => rule.notMeExamples[0] === 'd1000')).toBe(true);
  });

  it('is not an approver\'s denial: a "not me" answer neither lowers a rate nor counts as an approver', () => {
    // Even recorded with a decider, 60 "not me" answers on one table are no approvers' denials.
    const approvals = Array.from({ length: 40 }, (_, index) =>
      decision(index, 'approved', { human: marketing, resource: { path: 'dw.sales.leads' } }),
    );
    const disowned = Array.from({ length: 60 }, (_, index) => ({
      ...decision(100 + index, 'denied', { human: finance, resource: { path: 'dw.sales.leads' } }),
      consent: 'not-me' as const,
    }));
    const asDenials = mineSuggestions([...approvals, ...disowned.map(({ consent: _, ...denial }) => denial)]);
    expect(asDenials.suggestions.some((suggestion) => suggestion.action === 'deny')).toBe(true);

    const result = mineSuggestions([...approvals, ...disowned]);
    expect(result.suggestions.filter((suggestion) => suggestion.action === 'deny')).toEqual([]);
    expect(result.stats.decisions).toBe(40);
    expect(result.stats.notMeDecisions).toBe(60);
  });

  it('holds on a large random history, deterministically', () => {
    const random = seededRandom(5);
    const records = generateDecisions({ decisions: 20_000, seed: 3 }).map((record) =>
      random.next() < 0.003
        ? { ...record, outcome: 'denied' as const, approver: null, consent: 'not-me' as const }
        : record,
    );
    const disowned = records.filter((record) => record.consent === 'not-me');
    expect(disowned.length).toBeGreaterThan(20);
    const result = mineSuggestions(records);
    expect(approves(result.suggestions).length).toBeGreaterThan(0);
    for (const suggestion of approves(result.suggestions)) {
      expect(disowned.filter((record) => recordMatches(record, suggestion.conditions))).toEqual([]);
      expect(suggestion.evidence.consent.notMe).toBe(0);
    }
    for (const rule of result.vetoed) {
      const covered = disowned.filter((record) => recordMatches(record, rule.conditions));
      expect(covered.length).toBe(rule.notMe);
    }
    expect(mineSuggestions(records)).toEqual(result);
  });
});

describe('consent evidence', () => {
  it('counts the matched decisions the person confirmed with a standing consent', () => {
    const records = financeApprovals.map((record, index) =>
      index < 12 ? withConsent(record, 'always') : index < 20 ? withConsent(record, 'once') : record,
    );
    const [suggestion] = mineSuggestions(records).suggestions;
    expect(suggestion!.action).toBe('approve');
    expect(suggestion!.evidence.consent).toEqual({ always: 12, notMe: 0 });
  });

  it('shows the "not me" requests a deny suggestion matches as support for it', () => {
    const denials = Array.from({ length: 60 }, (_, index) => decision(index, 'denied', { human: marketing }));
    const disowned = [notMe(100, { human: marketing }), notMe(101, { human: marketing })];
    const result = mineSuggestions([...denials, ...disowned]);
    const deny = result.suggestions.find((suggestion) => suggestion.action === 'deny');
    expect(deny?.evidence).toMatchObject({ support: 60, denied: 60, consent: { always: 0, notMe: 2 } });
  });

  it('goes into the description of the rule a suggestion becomes', () => {
    const base = {
      id: 'x',
      fingerprint: 'f',
      conditions: [{ attribute: 'human.department', operator: 'equals' as const, value: 'marketing' }],
      evidence: {
        support: 50,
        approved: 0,
        denied: 50,
        rate: 1,
        lowerBound: 0.95,
        confidence: 0.95,
        distinctApprovers: 4,
        teams: [],
      },
    };
    expect(
      describeSuggestion({
        ...base,
        action: 'deny',
        evidence: { ...base.evidence, consent: { always: 0, notMe: 2 } },
      }),
    ).toContain('People called 2 more such requests "not me".');
    expect(
      describeSuggestion({
        ...base,
        action: 'deny',
        evidence: { ...base.evidence, consent: { always: 3, notMe: 0 } },
      }),
    ).toContain('3 of them were confirmed by the person with a standing consent.');
    // Suggestions stored before consents were mined have no consent evidence.
    expect(describeSuggestion({ ...base, action: 'deny' })).not.toContain('consent');
  });
});

describe('decision records of confirmed requests', () => {
  const request = (consent: DecidedRequest['consent'], outcome: 'approved' | 'denied'): DecidedRequest => ({
    id: 'r1',
    outcome,
    decidedAt: new Date('2025-05-01T10:00:00Z'),
    createdAt: new Date('2025-05-01T09:00:00Z'),
    deciderId: 'p-ana',
    agentId: 'a-1',
    intent: 'analytics',
    tier: 'READ',
    requestedSeconds: 3_600,
    human: {
      email: 'ana@acme.test',
      department: 'finance',
      region: null,
      title: null,
      groups: [],
      manager: null,
      attributes: {},
    },
    resources: [
      {
        id: 'o1',
        kind: 'dataset',
        path: 'analytics.marts.customers',
        datasetPath: null,
        tags: [],
        domain: 'sales',
        sensitivity: 'CONFIDENTIAL',
        dependsOn: [],
      },
    ],
    consent,
  });
  const lookups = {
    agentClientId: () => 'sql-agent',
    person: (id: string) => (id === 'p-ana' ? { email: 'ana@acme.test', department: 'finance' } : undefined),
  };

  it('carry the answer; a "not me" answer has no approver (the person is not judging the request)', () => {
    const [disowned] = decisionRecordsOf(request('NOT_ME', 'denied'), lookups);
    expect(disowned).toMatchObject({ outcome: 'denied', approver: null, consent: 'not-me' });
    const [always] = decisionRecordsOf(request('ALWAYS', 'approved'), lookups);
    expect(always).toMatchObject({ consent: 'always', approver: { id: 'ana@acme.test' } });
    expect(decisionRecordsOf(request(null, 'approved'), lookups)[0]!.consent).toBeNull();
  });
});

describe('backtesting a draft rule', () => {
  const facts = (agentClientId: string): RequestFacts => ({
    human: {
      email: 'ana@acme.test',
      department: 'finance',
      region: 'emea',
      title: null,
      groups: [],
      manager: null,
      attributes: {},
    },
    agentClientId,
    intent: 'analytics',
    resources: [],
    tier: 'READ',
    requestedSeconds: 3_600,
    at: new Date('2025-05-01T09:00:00Z'),
  });
  const financeRule = (action: 'approve' | 'deny', agents?: string[]) =>
    ruleSchema.parse({
      id: `finance-${action}`,
      description: 'x',
      when: {
        human: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
        ...(agents ? { agents } : {}),
      },
      action,
      ...(action === 'approve' ? { maxDuration: 'PT1H' } : { reason: 'no' }),
    });
  const replay = (draft: ReturnType<typeof financeRule>) => {
    const simulation = new RuleSimulation(draft, []);
    simulation.add({ id: 'a', outcome: 'approved', facts: facts('sql-agent') });
    simulation.add({ id: 'b', outcome: 'approved', facts: facts('sql-agent') });
    simulation.add({ id: 'n1', outcome: 'denied', facts: facts('rogue-agent'), notMe: true });
    simulation.add({ id: 'n2', outcome: 'denied', facts: facts('sql-agent'), notMe: true });
    return simulation.result();
  };

  it('reports the "not me" requests an approve rule would approve, apart from the matched decisions', () => {
    expect(replay(financeRule('approve'))).toMatchObject({
      decisions: 4,
      matched: 2,
      matchedDenied: 0,
      overturned: 0,
      notMe: { matched: 2, approvedByDraft: 2, approvedWithRules: 2, approvedExamples: ['n2', 'n1'] },
    });
    expect(replay(financeRule('approve', ['rogue-agent'])).notMe).toEqual({
      matched: 1,
      approvedByDraft: 1,
      approvedWithRules: 1,
      approvedExamples: ['n1'],
    });
  });

  it('a deny rule approves none of them', () => {
    expect(replay(financeRule('deny')).notMe).toEqual({
      matched: 2,
      approvedByDraft: 0,
      approvedWithRules: 0,
      approvedExamples: [],
    });
  });
});

describe('the offline evaluation', () => {
  it('measures held-out "not me" requests apart: how many the mined rules would approve', () => {
    const random = seededRandom(9);
    const records = generateDecisions({ decisions: 20_000, seed: 4 }).map((record) =>
      random.next() < 0.003
        ? { ...record, outcome: 'denied' as const, approver: null, consent: 'not-me' as const }
        : record,
    );
    const report = evaluateMining(encodeDecisionRecords(records), {
      seeds: [1],
      splits: ['random'],
      curveThresholds: [0.95],
    });
    const disowned = records.filter((record) => record.consent === 'not-me').length;
    const [run] = report.splits[0]!.runs;
    expect(run!.trainDecisions + run!.holdoutDecisions).toBe(records.length - disowned);
    expect(run!.metrics.notMeApproved).toBeGreaterThanOrEqual(0);
    expect(run!.metrics.notMeApproved).toBeLessThanOrEqual(disowned);
  });
});

/**
 * The whole way over PostgreSQL: people answer their agents' confirmations through the API (one
 * "Always for this agent", one "Not me" to a rogue agent), approvers decide, and a volume of
 * decided requests with consent rows is written directly. Governance then mines, reviews the
 * suggestions' consent evidence, sees the vetoed rule and backtests a draft that would approve the
 * "not me" request.
 */
describe('mining a history with confirmations', () => {
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  let world: RequestWorld;
  let gina: string;
  let rogueNotMeId: string;
  let sqlAgentClientId: string;
  const customersPath = 'analytics.marts.customers';

  const gql = async <T>(token: string, query: string, variables?: Record<string, unknown>) => {
    const result = await world.gql<T>(token, query, variables);
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const file = async (email: string, agent: string) =>
    (
      await gql<{ requestAccess: { request: { id: string; status: string } } }>(
        await world.agentToken(email, { agent }),
        requestAccessMutation,
        {
          input: { paths: [customersPath], tier: 'READ', justification: 'Churn question', duration: 'PT4H' },
        },
      )
    ).requestAccess.request;
  const confirm = async (email: string, requestId: string, answer: 'ALWAYS' | 'NOT_ME') =>
    gql(
      await world.humanToken(email),
      'mutation ($input: ConfirmAccessRequestInput!) { confirmAccessRequest(input: $input) { request { id } } }',
      { input: { requestId, answer } },
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    await loadMiningCompany(db.prisma);
    idp = await TestIdentityProvider.create();
    world = await startRequestWorld(db, idp, { APERTURE_JOB_POLL_MS: '50' });
    gina = await world.humanToken('gina@acme.test');
    const personConfirms: RuleInput = {
      id: 'customers-person-confirms',
      description: 'The person confirms customer reads before the approvers are asked',
      when: { resources: { paths: [customersPath] } },
      action: 'route',
      route: {
        ordered: true,
        steps: [{ requester: true }, { approvers: [{ kind: 'group', group: 'approvers' }] }],
        maxDuration: 'P1D',
      },
    };
    await applyRuleSet(db.prisma, validateRuleSet([personConfirms, ...miningRules], 'test'), {
      source: 'test',
    });

    // Through the API: one "always" then an approver's approval; one "not me" to a rogue agent.
    const confirmed = await file(financeEmails[1]!, 'SQL agent');
    await confirm(financeEmails[1]!, confirmed.id, 'ALWAYS');
    await gql(
      await world.humanToken(approverEmails[0]!),
      'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
      { input: { requestId: confirmed.id } },
    );
    const rogue = await file(financeEmails[0]!, 'Rogue agent');
    await confirm(financeEmails[0]!, rogue.id, 'NOT_ME');
    rogueNotMeId = rogue.id;
    const stored = await db.prisma.accessRequest.findMany({
      where: { id: { in: [confirmed.id, rogue.id] } },
    });
    expect(stored.map(({ id, status, consentAnswer }) => ({ id, status, consentAnswer }))).toEqual(
      expect.arrayContaining([
        { id: confirmed.id, status: 'APPROVED', consentAnswer: 'ALWAYS' },
        { id: rogue.id, status: 'DENIED', consentAnswer: 'NOT_ME' },
      ]),
    );

    // Volume through the SQL agent: finance approvals (ten confirmed by a standing consent),
    // marketing denials, and two marketing requests their person called "not me".
    const template = stored.find((row) => row.id === confirmed.id)!;
    sqlAgentClientId = world.agentClientId('SQL agent');
    const resource = (template.snapshot as unknown as RequestSnapshot).resources[0]!;
    const batch = {
      agentId: template.agentId,
      approvers: approverEmails,
      resource,
      start: new Date(Date.now() - 20 * 86_400_000),
    };
    await insertDecidedRequests(db.prisma, {
      ...batch,
      humans: financeEmails,
      outcome: 'APPROVED',
      count: 60,
    });
    const alwaysIds = await insertDecidedRequests(db.prisma, {
      ...batch,
      humans: [financeEmails[2]!],
      outcome: 'APPROVED',
      count: 10,
    });
    const person = await db.prisma.person.findUniqueOrThrow({ where: { email: financeEmails[2]! } });
    const standing = await db.prisma.standingConsent.create({
      data: {
        id: randomUUID(),
        humanId: person.id,
        scope: 'AGENT',
        agentId: template.agentId,
        chain: [template.agentId],
        intent: 'analytics',
        paths: [customersPath],
        tier: 'READ',
        askedBy: 'rule:customers-person-confirms',
        requestId: alwaysIds[0]!,
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
        uses: 9,
      },
    });
    await db.prisma.accessRequest.updateMany({
      where: { id: { in: alwaysIds } },
      data: { consent: 'GIVEN', consentAnswer: 'ALWAYS', standingConsentId: standing.id },
    });
    await insertDecidedRequests(db.prisma, {
      ...batch,
      humans: marketingEmails,
      outcome: 'DENIED',
      count: 60,
    });
    const disowned = await insertDecidedRequests(db.prisma, {
      ...batch,
      humans: [marketingEmails[0]!],
      approvers: [marketingEmails[0]!],
      outcome: 'DENIED',
      count: 2,
    });
    await db.prisma.accessRequest.updateMany({
      where: { id: { in: disowned } },
      data: { consent: 'REFUSED', consentAnswer: 'NOT_ME' },
    });
  });

  afterAll(async () => {
    await world.service.stop();
    await idp.close();
    await db.dispose();
  });

  it('suggests no approve rule that would approve the "not me" request, shows the vetoed one and the consent evidence', async () => {
    const { runMining } = await gql<{
      runMining: {
        requests: number;
        decisions: number;
        stats: { notMeDecisions: number; removedNotMe: number };
        vetoed: {
          id: string;
          conditions: { attribute: string; value: string }[];
          notMe: number;
          notMeExamples: string[];
        }[];
      };
    }>(
      gina,
      'mutation { runMining { requests decisions stats vetoed { id conditions { attribute value } support notMe notMeExamples } } }',
    );
    // 134 requests read; the three "not me" ones are in no count.
    expect(runMining).toMatchObject({ requests: 134, decisions: 131, stats: { notMeDecisions: 3 } });
    expect(runMining.stats.removedNotMe).toBeGreaterThan(0);
    expect(runMining.vetoed.length).toBeGreaterThan(0);
    for (const vetoed of runMining.vetoed) {
      expect(vetoed.notMe).toBe(1);
      expect(vetoed.notMeExamples).toEqual([rogueNotMeId]);
      expect(vetoed.conditions).not.toContainEqual({ attribute: 'request.agent', value: sqlAgentClientId });
    }

    const { ruleSuggestions } = await gql<{
      ruleSuggestions: {
        edges: {
          node: {
            action: string;
            conditions: { attribute: string; value: string }[];
            support: number;
            denied: number;
            consentedAlways: number;
            notMe: number;
            ruleDraft: { description: string } | null;
          };
        }[];
      };
    }>(
      gina,
      '{ ruleSuggestions(status: [NEW]) { edges { node { action conditions { attribute value } support denied consentedAlways notMe ruleDraft } } } }',
    );
    const suggestions = ruleSuggestions.edges.map((edge) => edge.node);
    const approve = suggestions.filter((suggestion) => suggestion.action === 'approve');
    const deny = suggestions.filter((suggestion) => suggestion.action === 'deny');
    expect(approve.length).toBeGreaterThan(0);
    for (const suggestion of approve) {
      // Only through the SQL agent: the rogue agent's request stays with people.
      expect(suggestion.conditions).toContainEqual({ attribute: 'request.agent', value: sqlAgentClientId });
      expect(suggestion).toMatchObject({ support: 71, denied: 0, consentedAlways: 11, notMe: 0 });
      expect(suggestion.ruleDraft?.description).toContain(
        '11 of them were confirmed by the person with a standing consent.',
      );
    }
    expect(deny.length).toBeGreaterThan(0);
    for (const suggestion of deny)
      expect(suggestion).toMatchObject({ support: 60, consentedAlways: 0, notMe: 2 });
  });

  it('backtests a draft rule: how many "not me" requests it would approve', async () => {
    const draft = (agents?: string[]) => ({
      id: 'finance-customers',
      description: 'Finance reads the customers mart',
      when: {
        human: { conditions: [{ attribute: 'department', op: 'equals', value: 'finance' }] },
        resources: { paths: [customersPath] },
        ...(agents ? { agents } : {}),
      },
      action: 'approve',
      maxDuration: 'PT8H',
    });
    const simulate = async (rule: unknown) =>
      (
        await gql<{ simulateRule: Record<string, unknown> }>(
          gina,
          `query ($rule: JSON!) { simulateRule(rule: $rule) { decisions matched matchedDenied
            notMe { matched approvedByDraft approvedWithRules approvedExamples } } }`,
          { rule },
        )
      ).simulateRule;
    expect(await simulate(draft())).toEqual({
      decisions: 134,
      matched: 71,
      matchedDenied: 0,
      notMe: { matched: 1, approvedByDraft: 1, approvedWithRules: 1, approvedExamples: [rogueNotMeId] },
    });
    expect((await simulate(draft([sqlAgentClientId]))).notMe).toEqual({
      matched: 0,
      approvedByDraft: 0,
      approvedWithRules: 0,
      approvedExamples: [],
    });
  });
});
