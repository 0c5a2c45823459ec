import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';
import { captureOperation } from './captured-operation.ts';

let db: TestDatabase;
let service: RunningService;
let idp: TestIdentityProvider;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  await importDbtManifest(db.prisma, path.resolve('test/fixtures/dbt/manifest-v12.json'));
  // Ana reads everything: every dataset of the page has its columns.
  await applyPolicySet(
    db.prisma,
    validatePolicySet([{ id: 'read-all', description: 'Everything', effect: 'allow', tier: 'READ' }], 'test'),
    { source: 'test' },
  );
  idp = await TestIdentityProvider.create();
  service = await startTestService(db, { providers: [await idp.serveJwks()] });
  token = await idp.token('ana@acme.test');
});
afterAll(async () => {
  await service.stop();
  await idp.close();
  await db.dispose();
});

const datasetsPage = `query ($first: Int!) {
  datasets(first: $first) { edges { node { path columns { name } } } }
}`;

interface DatasetsPage {
  datasets: { edges: { node: { path: string; columns: { name: string }[] } }[] };
}

const page = (first: number) =>
  captureOperation<DatasetsPage>(service.graphqlUrl, token, datasetsPage, { first });

describe('the statements a page of datasets with columns sends', () => {
  it('one for the datasets, one for all their columns, and the audit batch', async () => {
    // The first call of a viewer loads their identity and slice into caches; pages after it are
    // what every other call pays.
    await page(20);
    const { body, statements } = await page(20);
    expect(body.errors).toBeUndefined();
    const datasets = body.data!.datasets.edges.map((edge) => edge.node);
    expect(datasets).toHaveLength(8);
    expect(datasets.filter((dataset) => dataset.columns.length > 0)).toHaveLength(8);
    expect(statements).toMatchInlineSnapshot(`
      [
        "SELECT … FROM "Dataset" WHERE "Dataset"."id" IN (?, …) OFFSET ?",
        "SELECT … FROM "Column" WHERE "Column"."datasetId" IN (?, …) ORDER BY "Column"."position" ASC OFFSET ?",
        "BEGIN",
        "INSERT INTO "AuditEvent" (…) SELECT … FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS input(e, position) ORDER BY position",
        "COMMIT",
      ]
    `);
    expect(statements).toHaveLength(5);
  });

  it('sends as many statements for 2 datasets as for 8', async () => {
    await page(2);
    const small = await page(2);
    const large = await page(20);
    expect(small.body.data!.datasets.edges).toHaveLength(2);
    expect(large.body.data!.datasets.edges).toHaveLength(8);
    expect(small.statements).toEqual(large.statements);
  });
});
