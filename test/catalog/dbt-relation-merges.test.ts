import { describe, expect, it } from 'vitest';
import { datasetPath } from '../../src/catalog/catalog-snapshot.ts';
import { failureOf } from '../support/failure-of.ts';
import { convertJaffle, type EditableManifest, type EditableNode } from './support/jaffle-fixture.ts';

/** dbt nodes that name one relation: jaffle_shop's seeds `raw_*` are also declared as source `ecom`. */
const seedId = 'seed.jaffle_shop.raw_customers';
const sourceId = 'source.jaffle_shop.ecom.raw_customers';

const seed = (manifest: EditableManifest) => manifest.nodes[seedId]!;
const source = (manifest: EditableManifest) => manifest.sources[sourceId]!;
/** dbt mirrors node meta into config.meta; edit both like dbt writes them. */
function setMeta(node: EditableNode, key: string, value: unknown): void {
  node.meta[key] = value;
  if (node.config?.meta) node.config.meta[key] = value;
}

describe('dbt nodes naming one relation', () => {
  it('imports a seed and the source declaring the same table once, with what both say', async () => {
    const snapshot = await convertJaffle(undefined, false);
    const customers = snapshot.datasets.filter(
      (dataset) => datasetPath(dataset) === 'jaffle.raw.raw_customers',
    );
    expect(customers).toHaveLength(1);
    const [dataset] = customers;
    // The seed builds the table: the dataset keeps its id and kind.
    expect(dataset).toMatchObject({
      externalId: seedId,
      kind: 'SEED',
      description: 'Customers as exported from the point-of-sale system (sample data).',
      ownerEmail: 'dana@jaffle.example', // from the seed
      domain: 'customers', // from the seed
      sensitivity: 'CONFIDENTIAL', // from the source
      stewardEmails: ['lee@jaffle.example'], // from the source
      tags: ['raw', 'ecom'],
    });
    expect(
      dataset!.columns.map(({ name, description, tags, sensitivity }) => ({
        name,
        description,
        tags,
        sensitivity,
      })),
    ).toEqual([
      { name: 'id', description: 'Customer id assigned by the point of sale.', tags: [], sensitivity: null },
      {
        name: 'name',
        description: 'Full name as typed at the till.',
        tags: ['pii'],
        sensitivity: 'RESTRICTED',
      },
    ]);
    expect(dataset!.meta.dbt).toMatchObject({
      uniqueId: seedId,
      resourceType: 'seed',
      mergedWith: [{ uniqueId: sourceId, sourceName: 'ecom' }],
    });
    expect(snapshot.merges).toEqual([
      { path: 'jaffle.raw.raw_customers', externalIds: [seedId, sourceId] },
      {
        path: 'jaffle.raw.raw_orders',
        externalIds: ['seed.jaffle_shop.raw_orders', 'source.jaffle_shop.ecom.raw_orders'],
      },
    ]);
    // The undocumented seed raw_orders gets the columns its source documents.
    const orders = snapshot.datasets.find((d) => datasetPath(d) === 'jaffle.raw.raw_orders')!;
    expect(orders.columns.map((column) => column.name)).toEqual(['id', 'customer', 'ordered_at']);
    expect(orders.description).toBe('One row per order placed at a shop.');
  });

  it('matches the columns of merged nodes whatever their case', async () => {
    const snapshot = await convertJaffle((manifest) => {
      const name = source(manifest).columns.name!;
      delete source(manifest).columns.name;
      source(manifest).columns.NAME = { ...name, name: 'NAME', tags: ['gdpr'] };
    }, false);
    const dataset = snapshot.datasets.find((d) => datasetPath(d) === 'jaffle.raw.raw_customers')!;
    expect(dataset.columns.map((column) => [column.name, column.tags])).toEqual([
      ['id', []],
      ['name', ['pii', 'gdpr']],
    ]);
  });

  const conflicts: [string, (manifest: EditableManifest) => void, RegExp][] = [
    [
      'sensitivity',
      (manifest) => setMeta(seed(manifest), 'sensitivity', 'public'),
      /seed\.jaffle_shop\.raw_customers \(meta\.sensitivity: "public"\) and source\.jaffle_shop\.ecom\.raw_customers \(meta\.sensitivity: "confidential"\) name this one table but disagree on its sensitivity/,
    ],
    [
      'owner',
      (manifest) => setMeta(source(manifest), 'owner', 'omar@jaffle.example'),
      /seed\.jaffle_shop\.raw_customers \(meta\.owner: "dana@jaffle\.example"\) and source\.jaffle_shop\.ecom\.raw_customers \(meta\.owner: "omar@jaffle\.example"\) .*disagree on its owner/,
    ],
    [
      'domain',
      (manifest) => setMeta(source(manifest), 'domain', 'sales'),
      /seed\.jaffle_shop\.raw_customers \(meta\.domain: "customers"\) and source\.jaffle_shop\.ecom\.raw_customers \(meta\.domain: "sales"\) .*disagree on its domain/,
    ],
    [
      "a column's sensitivity",
      (manifest) => {
        seed(manifest).columns.name!.meta.sensitivity = 'confidential';
      },
      /seed\.jaffle_shop\.raw_customers \(columns\.name\.meta\.sensitivity: "confidential"\) and source\.jaffle_shop\.ecom\.raw_customers \(columns\.name\.meta\.sensitivity: "restricted"\) .*disagree on its column name sensitivity/,
    ],
  ];

  it.each(conflicts)(
    'refuses a seed and a source that disagree on %s, naming both and the field',
    async (_field, edit, message) => {
      const error = await failureOf(convertJaffle(edit, false));
      expect(error.message).toContain('test/fixtures/dbt/jaffle_shop/v12/manifest.json: invalid input');
      expect(error.message).toContain('- jaffle.raw.raw_customers: ');
      expect(error.message).toMatch(message);
    },
  );

  it('a node that says nothing never conflicts: only values both give can disagree', async () => {
    const snapshot = await convertJaffle((manifest) => {
      delete seed(manifest).meta.owner;
      delete seed(manifest).config?.meta?.owner;
    }, false);
    const dataset = snapshot.datasets.find((d) => datasetPath(d) === 'jaffle.raw.raw_customers')!;
    expect(dataset.ownerEmail).toBeNull();
    expect(dataset.sensitivity).toBe('CONFIDENTIAL');
  });

  it('merges a snapshot, or a model, with a source declaring its table; two sources with each other', async () => {
    const snapshot = await convertJaffle((manifest) => {
      const copy = (id: string, from: EditableNode, changes: Partial<EditableNode>) => ({
        ...structuredClone(from),
        ...changes,
        unique_id: id,
      });
      const snapshotId = 'snapshot.jaffle_shop.customers_snapshot';
      manifest.nodes[snapshotId] = copy(snapshotId, manifest.nodes['model.jaffle_shop.stg_customers']!, {
        name: 'customers_snapshot',
        alias: 'customers_snapshot',
        schema: 'snapshots',
        resource_type: 'snapshot',
      });
      // Another project's view of this one: sources on the tables this project builds.
      for (const [name, schema] of [
        ['customers_snapshot', 'snapshots'],
        ['customers', 'marts'],
      ] as const) {
        const id = `source.jaffle_shop.upstream.${name}`;
        manifest.sources[id] = copy(id, source(manifest), {
          name,
          identifier: name,
          schema,
          source_name: 'upstream',
          meta: { stewards: ['ana@jaffle.example'] },
          columns: {},
        });
      }
      // A second source block declaring raw_orders again, under a legacy name.
      const legacyId = 'source.jaffle_shop.legacy.raw_orders';
      manifest.sources[legacyId] = copy(legacyId, manifest.sources['source.jaffle_shop.ecom.raw_orders']!, {
        source_name: 'legacy',
        meta: { owner: 'lee@jaffle.example' },
      });
      delete manifest.nodes['seed.jaffle_shop.raw_orders'];
    }, false);
    const byPath = new Map(snapshot.datasets.map((d) => [datasetPath(d), d]));
    expect(byPath.get('jaffle.snapshots.customers_snapshot')).toMatchObject({
      externalId: 'snapshot.jaffle_shop.customers_snapshot',
      kind: 'SNAPSHOT',
      sensitivity: 'CONFIDENTIAL',
      stewardEmails: ['ana@jaffle.example'],
    });
    expect(byPath.get('jaffle.marts.customers')).toMatchObject({
      externalId: 'model.jaffle_shop.customers',
      kind: 'MODEL',
      stewardEmails: ['ana@jaffle.example'],
    });
    expect(byPath.get('jaffle.raw.raw_orders')).toMatchObject({
      externalId: 'source.jaffle_shop.ecom.raw_orders',
      kind: 'SOURCE',
      ownerEmail: 'lee@jaffle.example',
    });
    expect(snapshot.merges).toEqual([
      { path: 'jaffle.raw.raw_customers', externalIds: [seedId, sourceId] },
      {
        path: 'jaffle.marts.customers',
        externalIds: ['model.jaffle_shop.customers', 'source.jaffle_shop.upstream.customers'],
      },
      {
        path: 'jaffle.snapshots.customers_snapshot',
        externalIds: [
          'snapshot.jaffle_shop.customers_snapshot',
          'source.jaffle_shop.upstream.customers_snapshot',
        ],
      },
      {
        path: 'jaffle.raw.raw_orders',
        externalIds: ['source.jaffle_shop.ecom.raw_orders', 'source.jaffle_shop.legacy.raw_orders'],
      },
    ]);
  });

  it('refuses two nodes that both build one relation, naming both', async () => {
    const error = await failureOf(
      convertJaffle((manifest) => {
        const stgOrders = manifest.nodes['model.jaffle_shop.stg_orders']!;
        stgOrders.schema = 'raw';
        stgOrders.alias = 'raw_customers';
      }, false),
    );
    expect(error.message).toMatch(
      /nodes\["model\.jaffle_shop\.stg_orders"\]: duplicate path jaffle\.raw\.raw_customers: seed\.jaffle_shop\.raw_customers builds it too/,
    );
  });
});
