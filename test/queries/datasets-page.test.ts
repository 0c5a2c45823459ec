import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';
import { captureOperation } from './captured-operation.ts';

const fixture = path.resolve('test/fixtures/dbt/manifest-v12.json');
let db: TestDatabase;
let service: RunningService;
let idp: TestIdentityProvider;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  await importDbtManifest(db.prisma, fixture);
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
  it('none once the catalog is loaded: only the audit batch', async () => {
    // The first call loads the catalog version and the viewer's identity and slice into memory,
    // and the columns of the datasets it shows; pages after it are what every other call pays.
    const first = await page(20);
    expect(first.statements.filter((statement) => statement.includes('FROM "Column" WHERE'))).toHaveLength(1);
    const { body, statements } = await page(20);
    expect(body.errors).toBeUndefined();
    const datasets = body.data!.datasets.edges.map((edge) => edge.node);
    expect(datasets).toHaveLength(8);
    expect(datasets.filter((dataset) => dataset.columns.length > 0)).toHaveLength(8);
    expect(statements).toMatchInlineSnapshot(`
      [
        "BEGIN",
        "INSERT INTO "AuditEvent" (…) SELECT … FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS input(e, position) ORDER BY position",
        "COMMIT",
      ]
    `);
    expect(statements).toHaveLength(3);
  });

  it('shows a re-imported column at once: a new catalog version is loaded afresh', async () => {
    const manifest = JSON.parse(await readFile(fixture, 'utf8')) as {
      nodes: Record<string, { resource_type: string; columns: Record<string, { description: string }> }>;
    };
    const model = Object.values(manifest.nodes).find(
      (node) => node.resource_type === 'model' && Object.keys(node.columns).length > 0,
    )!;
    const [columnName] = Object.keys(model.columns);
    model.columns[columnName!]!.description = 'Revised in a re-import';
    const dir = await mkdtemp(path.join(tmpdir(), 'aperture-reimport-'));
    const changed = path.join(dir, 'manifest.json');
    await writeFile(changed, JSON.stringify(manifest));
    await importDbtManifest(db.prisma, changed);
    const described = `query { datasets(first: 20) { edges { node { columns { description } } } } }`;
    await expect
      .poll(async () => {
        const { body } = await captureOperation<{
          datasets: { edges: { node: { columns: { description: string | null }[] } }[] };
        }>(service.graphqlUrl, token, described, {});
        return body.data!.datasets.edges.flatMap((edge) =>
          edge.node.columns.map((column) => column.description),
        );
      })
      .toContain('Revised in a re-import');
    await rm(dir, { recursive: true, force: true });
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
