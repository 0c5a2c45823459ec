import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type CatalogSnapshot, datasetPath } from '../../src/catalog/catalog-snapshot.ts';
import { manifestToSnapshot } from '../../src/catalog/import/dbt/manifest-to-snapshot.ts';
import { parseCatalog, readCatalogFile } from '../../src/catalog/import/dbt/read-catalog.ts';
import { parseManifest, readManifestFile } from '../../src/catalog/import/dbt/read-manifest.ts';
import {
  convertJaffle,
  jaffleCatalog,
  jaffleManifest,
  jaffleVersions,
  thrownBy,
} from './support/jaffle-fixture.ts';

const dataset = (snapshot: CatalogSnapshot, path: string) => {
  const found = snapshot.datasets.find((d) => datasetPath(d) === path);
  if (!found) throw new Error(`no dataset ${path}`);
  return found;
};
const columns = (snapshot: CatalogSnapshot, path: string) =>
  dataset(snapshot, path).columns.map((column) => `${column.name} ${column.dataType ?? '?'}`);
const warningsOf = (snapshot: CatalogSnapshot, kind: string) =>
  (snapshot.warnings ?? []).filter((warning) => warning.kind === kind);

describe.each(jaffleVersions)('manifest v%i with catalog.json v1', (version) => {
  const convert = async (withCatalog: boolean) =>
    manifestToSnapshot(
      await readManifestFile(jaffleManifest(version)),
      withCatalog ? await readCatalogFile(jaffleCatalog(version)) : null,
    );

  it("gives every column the warehouse has, with its type, and keeps the YAML's documentation", async () => {
    const snapshot = await convert(true);
    // orders documents 3 of its 6 columns; Snowflake reports them in upper case.
    expect(columns(snapshot, 'jaffle.marts.orders')).toEqual([
      'order_id TEXT',
      'CUSTOMER_ID TEXT',
      'ordered_at TIMESTAMP_NTZ',
      'SUBTOTAL NUMBER',
      'TAX_PAID NUMBER',
      'order_total NUMBER',
    ]);
    const orderId = dataset(snapshot, 'jaffle.marts.orders').columns[0]!;
    expect(orderId).toMatchObject({ description: 'Primary key of the order.', isPrimaryKey: version === 12 });
    // Nothing documented at all: the catalog alone.
    expect(columns(snapshot, 'jaffle.raw.raw_payments')).toEqual([
      'ID TEXT',
      'ORDER_ID TEXT',
      'PAYMENT_METHOD TEXT',
      'AMOUNT NUMBER',
    ]);
    // Sensitivity documented in YAML holds on the column the catalog reports as CUSTOMER_NAME.
    expect(dataset(snapshot, 'jaffle.marts.customers').columns[1]).toMatchObject({
      name: 'customer_name',
      dataType: 'TEXT',
      sensitivity: 'RESTRICTED',
      tags: ['pii'],
    });
  });

  it('keeps a documented column the warehouse lacks, and says so', async () => {
    const snapshot = await convert(true);
    expect(columns(snapshot, 'jaffle.marts.customers').at(-1)).toBe('customer_type ?');
    expect(snapshot.warnings).toEqual([
      {
        kind: 'column-not-in-catalog',
        subject: 'jaffle.marts.customers.customer_type',
        message: expect.stringMatching(/documented in YAML but not in catalog\.json .*: kept/),
      },
    ]);
  });

  it('ignores catalog nodes for relations the manifest does not have', async () => {
    const snapshot = await convert(true);
    expect(snapshot.datasets.map(datasetPath).sort()).toEqual([
      'jaffle.marts.customers',
      'jaffle.marts.orders',
      'jaffle.raw.raw_customers',
      'jaffle.raw.raw_orders',
      'jaffle.raw.raw_payments',
      'jaffle.staging.stg_customers',
      'jaffle.staging.stg_orders',
    ]);
  });

  it('places the join path on an undocumented column through the catalog', async () => {
    const snapshot = await convert(true);
    expect(snapshot.joinPaths).toEqual([
      {
        kind: 'SEMANTIC_ENTITY',
        name: 'customer',
        fromDatasetPath: 'jaffle.marts.orders',
        toDatasetPath: 'jaffle.marts.customers',
        fromColumns: ['CUSTOMER_ID'],
        toColumns: ['customer_id'],
      },
    ]);
    const metric = (name: string) => snapshot.metrics.find((m) => m.name === name)!;
    expect(metric('customers_with_orders').columnPaths).toEqual(['jaffle.marts.orders.CUSTOMER_ID']);
    expect(metric('lifetime_spend').columnPaths).toEqual(['jaffle.marts.customers.LIFETIME_SPEND']);
  });

  it('without catalog.json, names the join path it could not place and why, and the datasets without columns', async () => {
    const snapshot = await convert(false);
    expect(snapshot.joinPaths).toEqual([]);
    expect(snapshot.warnings).toEqual([
      {
        kind: 'dataset-without-columns',
        subject: 'jaffle.raw.raw_payments',
        message: 'no columns: none documented in YAML, and no catalog.json was read',
      },
      {
        kind: 'join-path-not-placed',
        subject: 'jaffle.marts.orders.customer_id -> jaffle.marts.customers.customer_id (entity customer)',
        message:
          'jaffle.marts.orders has no column customer_id (it is not documented in YAML and no catalog.json was read)',
      },
    ]);
    expect(columns(snapshot, 'jaffle.marts.orders')).toEqual(['order_id ?', 'ordered_at ?', 'order_total ?']);
  });
});

describe('catalog.json details', () => {
  it('says which relations the catalog does not describe, and the errors dbt recorded in it', async () => {
    const snapshot = await convertJaffle(undefined, (catalog) => {
      delete catalog.nodes['seed.jaffle_shop.raw_payments'];
      catalog.errors = ['Database Error in model legacy_orders: permission denied for schema marts'];
    });
    expect(warningsOf(snapshot, 'dataset-not-in-catalog')).toEqual([
      {
        kind: 'dataset-not-in-catalog',
        subject: 'jaffle.raw.raw_payments',
        message: expect.stringContaining('seed.jaffle_shop.raw_payments is not in catalog.json'),
      },
    ]);
    expect(warningsOf(snapshot, 'dataset-without-columns').map((w) => w.subject)).toEqual([
      'jaffle.raw.raw_payments',
    ]);
    expect(warningsOf(snapshot, 'catalog-errors').map((w) => w.message)).toEqual([
      'Database Error in model legacy_orders: permission denied for schema marts',
    ]);
  });

  it("takes a merged relation's columns from whichever of its nodes the catalog lists", async () => {
    const snapshot = await convertJaffle(undefined, (catalog) => {
      delete catalog.nodes['seed.jaffle_shop.raw_orders'];
    });
    expect(columns(snapshot, 'jaffle.raw.raw_orders')).toEqual([
      'id TEXT',
      'customer TEXT',
      'ordered_at TIMESTAMP_NTZ',
      'STORE_ID TEXT',
      'SUBTOTAL NUMBER',
      'TAX_PAID NUMBER',
      'ORDER_TOTAL NUMBER',
    ]);
    expect(warningsOf(snapshot, 'dataset-not-in-catalog')).toEqual([]);
  });

  it('uses the warehouse comment when the YAML has no description', async () => {
    const snapshot = await convertJaffle(
      (manifest) => {
        manifest.nodes['model.jaffle_shop.orders']!.columns.order_id!.description = '';
      },
      (catalog) => {
        const orders = catalog.nodes['model.jaffle_shop.orders']!;
        orders.columns.ORDER_ID!.comment = 'Order id (from the warehouse)';
        orders.columns.SUBTOTAL!.comment = 'Before tax';
      },
    );
    const orders = dataset(snapshot, 'jaffle.marts.orders').columns;
    expect(orders.find((c) => c.name === 'order_id')!.description).toBe('Order id (from the warehouse)');
    expect(orders.find((c) => c.name === 'SUBTOTAL')!.description).toBe('Before tax');
  });
});

describe('a bad catalog.json is refused with the file, the place and the reason', () => {
  const file = 'target/catalog.json';
  const refusal = async (corrupt: (text: string) => string) => {
    const text = corrupt(await readFile(jaffleCatalog(12), 'utf8'));
    return thrownBy(() => parseCatalog(file, text)).message;
  };

  it.each<[string, (text: string) => string, RegExp]>([
    [
      'a truncated file',
      (text) => text.slice(0, 2_000),
      /line \d+, column \d+: is not valid JSON \(Unterminated string/,
    ],
    ['an empty file', () => '', /file \(empty\): is not valid JSON/],
    [
      'a manifest instead of a catalog',
      () =>
        JSON.stringify({
          metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json' },
        }),
      /metadata\.dbt_schema_version: is not a catalog schema URL \(.*manifest\/v12\.json\): this is a manifest\.json, not catalog\.json/,
    ],
    [
      'an unknown catalog version',
      (text) => text.replace('/catalog/v1.json', '/catalog/v2.json'),
      /catalog v2 is not supported \(supported: v1\)/,
    ],
    [
      'a column without a type',
      (text) => {
        const catalog = JSON.parse(text) as {
          nodes: Record<string, { columns: Record<string, { type?: string }> }>;
        };
        delete catalog.nodes['model.jaffle_shop.orders']!.columns.CUSTOMER_ID!.type;
        return JSON.stringify(catalog);
      },
      /nodes\["model\.jaffle_shop\.orders"\]\.columns\.CUSTOMER_ID\.type: /,
    ],
    [
      'sources that are not a map',
      (text) => JSON.stringify({ ...JSON.parse(text), sources: [] }),
      /sources: /,
    ],
  ])('refuses %s', async (_name, corrupt, reason) => {
    const message = await refusal(corrupt);
    expect(message).toContain(`${file}: invalid input`);
    expect(message).toMatch(reason);
  });

  it('and the manifest reader, given a catalog.json, says so', async () => {
    const text = await readFile(jaffleCatalog(12), 'utf8');
    expect(thrownBy(() => parseManifest('catalog.json', text)).message).toMatch(
      /this is a catalog\.json \(pass it with --catalog\)/,
    );
  });
});
