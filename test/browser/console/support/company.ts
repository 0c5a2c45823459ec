import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importDbtManifest } from '../../../../src/catalog/import/import-dbt-manifest.ts';
import type { PrismaClient } from '../../../../src/db/open-database.ts';
import { applyPeople } from '../../../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../../../src/people/import/parse-people-file.ts';
import { applyPolicySet, validatePolicySet } from '../../../../src/policy/store/policy-store.ts';
import { applyRuleSet, validateRuleSet } from '../../../../src/requests/rules/rule-store.ts';
import { requestPolicies, requestRules } from '../../../support/requests-fixture.ts';

/**
 * The company the console's browser tests (and the README's screenshots) show: the request
 * company's shape (see requests-fixture.ts: its policies and rules, Gina in governance, Ana the
 * finance analyst owning agents, the shop catalog's owners and stewards, an `approvers` group)
 * with the names of real colleagues, a finance team and a marketing team whose decided requests
 * are what mining learns from.
 */

interface CompanyPerson {
  email: string;
  name: string;
  title?: string;
  department: string;
  region?: string;
  groups: string[];
  manager?: string;
  attributes?: Record<string, string>;
}

export const approvers = [
  { email: 'rafael.santos@acme.test', name: 'Rafael Santos', title: 'Head of data' },
  { email: 'elena.novak@acme.test', name: 'Elena Novak', title: 'Data protection officer' },
  { email: 'samir.patel@acme.test', name: 'Samir Patel', title: 'Analytics lead' },
  { email: 'ingrid.berg@acme.test', name: 'Ingrid Berg', title: 'Sales operations lead' },
  { email: 'marcus.webb@acme.test', name: 'Marcus Webb', title: 'Revenue operations' },
  { email: 'aisha.bello@acme.test', name: 'Aisha Bello', title: 'Customer data steward' },
] as const;

export const financeTeam = [
  'Lucas Moreau',
  'Mia Jensen',
  'Noah Kim',
  'Emma Rossi',
  'Liam Byrne',
  'Sara Lindqvist',
  'Yuki Tanaka',
  'Tomas Novak',
].map((name) => ({ name, email: `${name.toLowerCase().replace(' ', '.')}@acme.test` }));

export const marketingTeam = [
  'Chloe Martin',
  'Diego Ruiz',
  'Hannah Schmidt',
  'Ivan Petrov',
  'Julia Costa',
  'Kofi Mensah',
  'Laura Weiss',
  'Mateo Silva',
].map((name) => ({ name, email: `${name.toLowerCase().replace(' ', '.')}@acme.test` }));

export const companyPeople: CompanyPerson[] = [
  {
    email: 'gina@acme.test',
    name: 'Gina Alvarez',
    title: 'Data governance lead',
    department: 'legal',
    groups: ['governance'],
  },
  {
    email: 'mark@acme.test',
    name: 'Mark Chen',
    title: 'Finance director',
    department: 'finance',
    groups: ['managers'],
  },
  {
    email: 'ana@acme.test',
    name: 'Ana Souza',
    title: 'Financial analyst',
    department: 'finance',
    region: 'emea',
    groups: ['analysts'],
    manager: 'mark@acme.test',
  },
  {
    email: 'bob@acme.test',
    name: 'Bob Ito',
    title: 'Support engineer',
    department: 'engineering',
    groups: ['engineering'],
  },
  {
    email: 'dana@shop.example',
    name: 'Dana Okafor',
    title: 'Sales data owner',
    department: 'sales',
    groups: ['owners'],
  },
  {
    email: 'omar@shop.example',
    name: 'Omar Haddad',
    title: 'Orders data owner',
    department: 'sales',
    groups: ['owners'],
  },
  {
    email: 'lee@shop.example',
    name: 'Lee Park',
    title: 'Data steward',
    department: 'sales',
    groups: ['stewards'],
  },
  {
    email: 'priya@shop.example',
    name: 'Priya Raman',
    title: 'Data steward',
    department: 'sales',
    groups: ['stewards'],
  },
  ...approvers.map((approver) => ({ ...approver, department: 'sales', groups: ['approvers'] })),
  ...financeTeam.map((person) => ({
    ...person,
    title: 'Financial analyst',
    department: 'finance',
    region: 'emea',
    groups: ['analysts'],
    manager: 'mark@acme.test',
    attributes: { costCenter: 'F100' },
  })),
  ...marketingTeam.map((person) => ({
    ...person,
    title: 'Marketing manager',
    department: 'marketing',
    region: 'amer',
    groups: ['marketers'],
    attributes: { costCenter: 'M200' },
  })),
];

/** The people, the shop catalog (dbt fixture), the request company's policies and rules. */
export async function loadCompany(prisma: PrismaClient): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-console-company-'));
  const file = path.join(dir, 'people.json');
  await writeFile(file, JSON.stringify(companyPeople));
  await applyPeople(prisma, file, await parsePeopleFile(file));
  await importDbtManifest(prisma, path.resolve('test/fixtures/dbt/manifest-v12.json'));
  await applyPolicySet(prisma, validatePolicySet(requestPolicies, 'test'), { source: 'test' });
  await applyRuleSet(prisma, validateRuleSet(requestRules, 'test'), { source: 'test' });
}
