import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogRows } from '../../src/catalog/read/catalog-rows.ts';
import type { HumanIdentity } from '../../src/identity/viewer.ts';
import { compilePolicySet } from '../../src/policy/compile-policies.ts';
import { impactPeople } from '../../src/policy/impact/impact-people.ts';
import { policyImpact } from '../../src/policy/impact/policy-impact.ts';
import type { Policy, PolicyInput } from '../../src/policy/policy-schema.ts';
import {
  buildCatalogIndex,
  type CatalogIndex,
  loadColumnFacts,
} from '../../src/policy/slice/catalog-index.ts';
import { validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { loadRequestCompany, requestPolicies } from '../support/requests-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** policyImpact over the request company's catalog and people: pure, bounded, people then paths. */

let db: TestDatabase;
let catalog: CatalogIndex;
let people: HumanIdentity[];

beforeAll(async () => {
  db = await createTestDatabase();
  await loadRequestCompany(db);
  catalog = buildCatalogIndex(await loadCatalogRows(db.prisma), await loadColumnFacts(db.prisma));
  people = await impactPeople(db.prisma);
});
afterAll(() => db?.dispose());

const compiled = (policies: PolicyInput[], version: number) =>
  compilePolicySet(validatePolicySet(policies, 'test') as Policy[], version);
const now = new Date('2026-01-01T00:00:00Z');

describe('policyImpact', () => {
  it('is empty when nothing changes', () => {
    const same = compiled(requestPolicies, 1);
    expect(policyImpact({ before: same, after: same, catalog, people, now })).toEqual({
      changes: [],
      changeCount: 0,
      peopleAffected: 0,
    });
  });

  it('lists at most `limit` changes, by person email then path, and counts them all', () => {
    const impact = policyImpact({
      before: compiled(requestPolicies, 1),
      after: compiled(requestPolicies.slice(1), 2),
      catalog,
      people,
      now,
      limit: 20,
    });
    expect(impact.peopleAffected).toBe(people.length);
    expect(impact.changeCount).toBe(people.length * 13);
    expect(impact.changes).toHaveLength(20);
    const keys = impact.changes.map((change) => [change.person.email, change.path]);
    expect(keys).toEqual([...keys].sort());
    expect(impact.changes[0]).toMatchObject({
      person: { email: people[0]!.email },
      before: 'DISCOVER',
      after: 'HIDDEN',
      gained: false,
    });
  });

  it('a policy valid only later changes nothing now', () => {
    const later: PolicyInput = {
      id: 'everyone-reads-later',
      description: 'Not yet',
      effect: 'allow',
      tier: 'READ',
      resources: {},
      validFrom: '2027-01-01T00:00:00Z',
    };
    const impact = policyImpact({
      before: compiled(requestPolicies, 1),
      after: compiled([...requestPolicies, later], 2),
      catalog,
      people,
      now,
    });
    expect(impact.changeCount).toBe(0);
  });
});
