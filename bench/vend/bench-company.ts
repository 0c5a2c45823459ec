import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importPostgresCatalog } from '../../src/catalog/import/import-postgres-catalog.ts';
import type { PrismaClient } from '../../src/db/open-database.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { requestPeople } from '../../test/support/requests-fixture.ts';
import { type BenchSource, benchSource, regions } from './bench-source.ts';

const analystsPerRegion = 4;

/** Analysts in every region (the row filter reads `human.region`), four per region. */
export const analysts = regions.flatMap((region) =>
  Array.from({ length: analystsPerRegion }, (_, index) => ({
    email: `analyst-${region}-${index}@acme.test`,
    name: `Analyst ${region} ${index}`,
    title: 'Analyst',
    department: 'finance',
    region,
    groups: ['analysts'],
    manager: 'mark@acme.test',
  })),
);

/** The example: analysts read customers of their region, card numbers and emails masked. */
export const benchPolicies: PolicyInput[] = [
  {
    id: 'analysts-read-customers',
    description: 'Analysts read the customers of their region, card numbers and emails masked',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
    resources: { paths: [`${benchSource}.sales.customers`, `${benchSource}.sales.customers.*`] },
    masks: [
      { columns: { paths: [`${benchSource}.sales.customers.card_number`] }, method: 'partial', keepLast: 4 },
      { columns: { paths: [`${benchSource}.sales.customers.email`] }, method: 'hash' },
    ],
    rowFilters: [{ predicate: 'region = {{human.region}}' }],
  },
  {
    id: 'everyone-reads-regions',
    description: 'Everyone reads the regions',
    effect: 'allow',
    tier: 'READ',
    resources: { paths: [`${benchSource}.sales.regions`, `${benchSource}.sales.regions.*`] },
  },
];

/**
 * The aperture side: the request company's people (Gina governs, Ana owns the agent) and the
 * analysts, the catalog imported from the live source, and the policies.
 */
export async function loadBenchCompany(prisma: PrismaClient, source: BenchSource): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-vend-bench-'));
  try {
    const file = path.join(dir, 'people.json');
    await writeFile(file, JSON.stringify([...requestPeople, ...analysts]));
    await applyPeople(prisma, file, await parsePeopleFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await importPostgresCatalog(prisma, source.url, { sourceName: benchSource, schemas: ['sales'] });
  await applyPolicySet(prisma, validatePolicySet(benchPolicies, 'bench'), { source: 'bench' });
}
