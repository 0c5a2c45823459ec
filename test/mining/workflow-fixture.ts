import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Prisma } from '../../generated/prisma/client.ts';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import type { PrismaClient } from '../../src/db/open-database.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import type { RequestSnapshot, ResourceSnapshot } from '../../src/requests/request-snapshot.ts';
import type { RuleInput } from '../../src/requests/rules/rule-schema.ts';
import { applyRuleSet, validateRuleSet } from '../../src/requests/rules/rule-store.ts';
import { requestPeople, requestPolicies } from '../support/requests-fixture.ts';

/**
 * The request company (see requests-fixture.ts) with two teams that ask for customer data: eight
 * finance analysts (managed by Mark, cost center F100) whose requests approvers grant, and eight
 * marketers whose requests they refuse.
 */
export const miningPeople = [
  ...requestPeople,
  ...Array.from({ length: 8 }, (_, index) => ({
    email: `fin0${index + 1}@acme.test`,
    name: `Finance analyst ${index + 1}`,
    title: 'Analyst',
    department: 'finance',
    region: 'emea',
    groups: ['analysts'],
    manager: 'mark@acme.test',
    attributes: { costCenter: 'F100' },
  })),
  ...Array.from({ length: 8 }, (_, index) => ({
    email: `mkt0${index + 1}@acme.test`,
    name: `Marketer ${index + 1}`,
    title: 'Marketer',
    department: 'marketing',
    region: 'amer',
    groups: ['marketers'],
    attributes: { costCenter: 'M200' },
  })),
];

export const approverEmails = Array.from(
  { length: 20 },
  (_, index) => `approver${String(index).padStart(2, '0')}@acme.test`,
);
export const financeEmails = miningPeople.filter((p) => p.email.startsWith('fin')).map((p) => p.email);
export const marketingEmails = miningPeople.filter((p) => p.email.startsWith('mkt')).map((p) => p.email);

/** Contractors never get PII; confidential data goes to the approvers group. */
export const miningRules: RuleInput[] = [
  {
    id: 'contractors-no-pii',
    description: 'Contractors never get PII',
    when: {
      human: { conditions: [{ attribute: 'groups', op: 'equals', value: 'contractors' }] },
      resources: { tags: ['pii'] },
    },
    action: 'deny',
    reason: 'PII is not for contractors',
  },
  {
    id: 'confidential-to-approvers',
    description: 'Confidential data goes to the approvers group',
    when: { resources: { sensitivities: ['CONFIDENTIAL'] } },
    action: 'route',
    route: { approvers: [{ kind: 'group', group: 'approvers' }], maxDuration: 'P1D' },
  },
];

/** People, and (unless `catalog: false`) the shop catalog, the policies and the rules above. */
export async function loadMiningCompany(prisma: PrismaClient, options: { catalog?: boolean } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-mining-people-'));
  const file = path.join(dir, 'people.json');
  await writeFile(file, JSON.stringify(miningPeople));
  await applyPeople(prisma, file, await parsePeopleFile(file));
  if (options.catalog === false) return;
  await importDbtManifest(prisma, path.resolve('test/fixtures/dbt/manifest-v12.json'));
  await applyPolicySet(prisma, validatePolicySet(requestPolicies, 'test'), { source: 'test' });
  await applyRuleSet(prisma, validateRuleSet(miningRules, 'test'), { source: 'test' });
}

/** analytics.marts.customers as a request snapshot records it (see the dbt fixture). */
export const customersSnapshot: ResourceSnapshot = {
  id: randomUUID(),
  path: 'analytics.marts.customers',
  kind: 'dataset',
  tags: ['marts', 'sales', 'pii'],
  domain: 'sales',
  sensitivity: 'CONFIDENTIAL',
  ownerEmail: 'dana@shop.example',
  stewardEmails: ['lee@shop.example', 'priya@shop.example'],
};

/** An agent owned by Ana, created directly (for tests that do not run the service). */
export async function createAgent(prisma: PrismaClient, clientId: string): Promise<string> {
  const owner = await prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } });
  const agent = await prisma.agent.create({
    data: {
      id: randomUUID(),
      clientId,
      name: clientId,
      ownerId: owner.id,
      ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
      allowedIntents: ['analytics'],
      maxDelegationDepth: 0,
    },
  });
  return agent.id;
}

export interface DecisionBatch {
  agentId: string;
  /** Requesters and deciders, taken in turn. */
  humans: readonly string[];
  approvers: readonly string[];
  outcome: 'APPROVED' | 'DENIED';
  count: number;
  resource: ResourceSnapshot;
  /** The first request is decided then, the next ones an hour apart each. */
  start: Date;
}

/**
 * Decided requests written straight into the database for volume: the same rows the request flow
 * writes for a request routed to approvers and decided by one of them (status, decidedBy
 * `person:<id>`, and the snapshot of the human and the object), without the HTTP round trips.
 */
export async function insertDecidedRequests(prisma: PrismaClient, batch: DecisionBatch): Promise<string[]> {
  const people = await prisma.person.findMany({
    where: { email: { in: [...batch.humans, ...batch.approvers] } },
    include: { manager: { select: { email: true } } },
  });
  const byEmail = new Map(people.map((person) => [person.email, person]));
  const rows = Array.from({ length: batch.count }, (_, index) => {
    const human = byEmail.get(batch.humans[index % batch.humans.length]!)!;
    const approver = byEmail.get(batch.approvers[index % batch.approvers.length]!)!;
    const decidedAt = new Date(batch.start.getTime() + index * 3_600_000);
    const createdAt = new Date(decidedAt.getTime() - 600_000);
    const snapshot: RequestSnapshot = {
      human: {
        id: human.id,
        name: human.name,
        email: human.email,
        department: human.department,
        region: human.region,
        title: human.title,
        groups: human.groups,
        manager: human.manager?.email ?? null,
        attributes: human.attributes as RequestSnapshot['human']['attributes'],
      },
      resources: [batch.resource],
    };
    return {
      id: randomUUID(),
      humanId: human.id,
      agentId: batch.agentId,
      chain: [batch.agentId],
      intent: 'analytics',
      tokenId: randomUUID(),
      tokenExpiresAt: createdAt,
      paths: [batch.resource.path],
      tier: 'READ' as const,
      justification: 'Customer question',
      requestedDurationSeconds: 3_600,
      scope: 'TIME' as const,
      status: batch.outcome,
      snapshot: snapshot as unknown as Prisma.InputJsonValue,
      ruleSetVersion: 1,
      ruleId: 'confidential-to-approvers',
      eligibleApproverIds: [approver.id],
      decidedBy: `person:${approver.id}`,
      decisionReason: batch.outcome === 'DENIED' ? 'Not for this team' : null,
      approvedDurationSeconds: batch.outcome === 'APPROVED' ? 3_600 : null,
      expiresAt: decidedAt,
      createdAt,
      decidedAt,
    };
  });
  await prisma.accessRequest.createMany({ data: rows });
  return rows.map((row) => row.id);
}
