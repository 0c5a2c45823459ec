import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { failureOf } from '../support/failure-of.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { editedJaffle, jaffleCatalog, jaffleManifest, jaffleVersions } from './support/jaffle-fixture.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.dispose());
beforeEach(async () => {
  await db.sql.exec(`TRUNCATE "Source", "Domain", "Metric", "GlossaryTerm", "Dimension", "JoinPath" CASCADE`);
});

async function catalogState() {
  return {
    datasets: await db.prisma.dataset.findMany({
      orderBy: { path: 'asc' },
      select: { id: true, path: true, kind: true, sensitivity: true, updatedAt: true },
    }),
    columns: await db.prisma.column.findMany({
      orderBy: { path: 'asc' },
      select: { id: true, path: true, dataType: true, updatedAt: true },
    }),
    joinPaths: await db.prisma.joinPath.findMany({
      orderBy: { key: 'asc' },
      select: { id: true, key: true },
    }),
  };
}

const unchanged = (count: number) => ({ added: 0, changed: 0, removed: 0, unchanged: count });

describe.each(jaffleVersions)('a dbt target folder, manifest v%i', (version) => {
  it('imports whole: catalog.json found beside the manifest, seeds and their sources merged; re-import changes nothing', async () => {
    const summary = await importDbtManifest(db.prisma, jaffleManifest(version));
    expect(summary.catalogJson).toEqual({ status: 'found-beside-manifest', file: jaffleCatalog(version) });
    expect(summary.datasets).toEqual({ added: 7, changed: 0, removed: 0, unchanged: 0 });
    expect(summary.columns.added).toBe(34);
    expect(summary.joinPaths.added).toBe(1);
    expect(summary.merged).toEqual([
      {
        path: 'jaffle.raw.raw_customers',
        externalIds: ['seed.jaffle_shop.raw_customers', 'source.jaffle_shop.ecom.raw_customers'],
      },
      {
        path: 'jaffle.raw.raw_orders',
        externalIds: ['seed.jaffle_shop.raw_orders', 'source.jaffle_shop.ecom.raw_orders'],
      },
    ]);
    expect(summary.warnings.map((warning) => `${warning.kind} ${warning.subject}`)).toEqual([
      'column-not-in-catalog jaffle.marts.customers.customer_type',
    ]);

    const rawCustomers = await db.prisma.dataset.findUniqueOrThrow({
      where: { path: 'jaffle.raw.raw_customers' },
      include: { columns: { orderBy: { position: 'asc' } } },
    });
    expect(rawCustomers).toMatchObject({
      kind: 'SEED',
      sensitivity: 'CONFIDENTIAL',
      ownerEmail: 'dana@jaffle.example',
    });
    expect(rawCustomers.columns.map((c) => [c.name, c.dataType, c.sensitivity])).toEqual([
      ['id', 'TEXT', null],
      ['name', 'TEXT', 'RESTRICTED'],
    ]);
    const join = await db.prisma.joinPath.findFirstOrThrow({
      include: { fromDataset: true, toDataset: true },
    });
    expect(`${join.fromDataset.path}.${join.fromColumns} -> ${join.toDataset.path}.${join.toColumns}`).toBe(
      'jaffle.marts.orders.CUSTOMER_ID -> jaffle.marts.customers.customer_id',
    );

    const before = await catalogState();
    const again = await importDbtManifest(db.prisma, jaffleManifest(version));
    expect(again.datasets).toEqual(unchanged(7));
    expect(again.columns).toEqual(unchanged(34));
    expect(again.joinPaths).toEqual(unchanged(1));
    expect(again.metrics).toEqual(unchanged(5));
    expect(again.merged).toEqual(summary.merged);
    expect(await catalogState()).toEqual(before);
  });
});

describe('catalog.json over time', () => {
  it('adding catalog.json later keeps the ids of documented columns and places the join path', async () => {
    const withoutCatalog = await importDbtManifest(db.prisma, jaffleManifest(12), { catalog: false });
    expect(withoutCatalog.catalogJson).toEqual({ status: 'skipped' });
    expect(withoutCatalog.joinPaths.added).toBe(0);
    expect(withoutCatalog.warnings.map((warning) => warning.kind)).toEqual([
      'dataset-without-columns',
      'join-path-not-placed',
    ]);
    const before = new Map((await catalogState()).columns.map((column) => [column.path, column.id]));

    const withCatalog = await importDbtManifest(db.prisma, jaffleManifest(12));
    expect(withCatalog.joinPaths).toEqual({ added: 1, changed: 0, removed: 0, unchanged: 0 });
    // Every documented column gets its type (changed, same id); the undocumented ones are added.
    expect(withCatalog.columns).toEqual({ added: 19, changed: before.size, removed: 0, unchanged: 0 });
    const after = new Map((await catalogState()).columns.map((column) => [column.path, column.id]));
    for (const [columnPath, id] of before) expect(after.get(columnPath), columnPath).toBe(id);
  });

  it('reads the catalog.json given, wherever it is, and says when there is none beside the manifest', async () => {
    const alone = await editedJaffle({ catalog: false });
    const none = await importDbtManifest(db.prisma, alone);
    expect(none.catalogJson).toEqual({
      status: 'not-found',
      file: path.join(path.dirname(alone), 'catalog.json'),
    });
    const given = await importDbtManifest(db.prisma, alone, { catalog: jaffleCatalog(11) });
    expect(given.catalogJson).toEqual({ status: 'given', file: jaffleCatalog(11) });
    expect(given.joinPaths.added).toBe(1);
  });

  it('records the merges and the number of warnings in the audit event', async () => {
    await importDbtManifest(db.prisma, jaffleManifest(12));
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'catalog.imported' },
      orderBy: { occurredAt: 'desc' },
    });
    expect(event.payload).toMatchObject({
      origin: 'dbt:jaffle_shop',
      merged: [{ path: 'jaffle.raw.raw_customers' }, { path: 'jaffle.raw.raw_orders' }],
      warnings: 1,
    });
  });
});

describe('refused input changes nothing', () => {
  const refusals: [string, Parameters<typeof editedJaffle>[0], RegExp][] = [
    [
      'a seed and a source on one table that disagree on its sensitivity',
      {
        manifest: (manifest) => {
          const seed = manifest.nodes['seed.jaffle_shop.raw_customers']!;
          seed.meta.sensitivity = 'public';
          seed.config!.meta!.sensitivity = 'public';
        },
      },
      /manifest\.json: invalid input\n {2}- jaffle\.raw\.raw_customers: seed\.jaffle_shop\.raw_customers \(meta\.sensitivity: "public"\) and source\.jaffle_shop\.ecom\.raw_customers \(meta\.sensitivity: "confidential"\)/,
    ],
    [
      'a truncated catalog.json beside the manifest',
      {
        catalog:
          '{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"}, "nodes": {',
      },
      /catalog\.json: invalid input\n {2}- (line \d+, column \d+|end of file \(truncated\?\)): is not valid JSON/,
    ],
    [
      'a catalog.json column with a type that is not text',
      {
        catalog: (catalog) => {
          catalog.nodes['model.jaffle_shop.orders']!.columns.ORDER_TOTAL!.type = 38;
        },
      },
      /catalog\.json: invalid input\n {2}- nodes\["model\.jaffle_shop\.orders"\]\.columns\.ORDER_TOTAL\.type: /,
    ],
  ];

  it.each(refusals)(
    'refuses %s, naming the file, the place and the reason',
    async (_name, edits, message) => {
      await importDbtManifest(db.prisma, jaffleManifest(12));
      const before = await catalogState();
      const events = await db.prisma.auditEvent.count();
      const error = await failureOf(importDbtManifest(db.prisma, await editedJaffle(edits)));
      expect(error.message).toMatch(message);
      expect(await catalogState()).toEqual(before);
      expect(await db.prisma.auditEvent.count()).toBe(events);
    },
  );
});
