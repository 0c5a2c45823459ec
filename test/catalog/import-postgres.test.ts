import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPostgresCatalog } from '../../src/catalog/import/import-postgres-catalog.ts';
import {
  createEmptyPostgresDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../support/test-database.ts';

let db: TestDatabase;
let shop: { url: string; name: string; drop(): Promise<void> };

const shopSchema = `
  CREATE SCHEMA sales;
  CREATE SCHEMA hr;
  CREATE TABLE sales.customers (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    region varchar(8)
  );
  COMMENT ON TABLE sales.customers IS 'People and companies that bought from us.';
  COMMENT ON COLUMN sales.customers.email IS 'Primary contact email.';
  CREATE TABLE sales.orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES sales.customers(id),
    amount numeric(12, 2),
    placed_at timestamptz
  );
  CREATE TABLE sales.order_lines (
    order_id bigint, line_no int, sku text,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_lines_order_fk FOREIGN KEY (order_id) REFERENCES sales.orders(id)
  );
  CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 1000;
  CREATE MATERIALIZED VIEW sales.revenue_by_region AS
    SELECT c.region, sum(o.amount) AS revenue FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id GROUP BY 1;
  CREATE TABLE hr.salaries (employee_id bigint PRIMARY KEY, salary numeric);
`;

beforeAll(async () => {
  db = await createTestDatabase();
  shop = await createEmptyPostgresDatabase('aperture_shop');
  const client = new pg.Client({ connectionString: shop.url });
  await client.connect();
  await client.query(shopSchema);
  await client.end();
});
afterAll(async () => {
  await db.dispose();
  await shop.drop();
});

async function execShop(sql: string) {
  const client = new pg.Client({ connectionString: shop.url });
  await client.connect();
  await client.query(sql);
  await client.end();
}

describe('PostgreSQL introspection', () => {
  it('imports tables, views, columns, types, comments and keys', async () => {
    const summary = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop' });
    expect(summary.origin).toBe('postgres:shop');
    expect(summary.datasets.added).toBe(6);
    expect(summary.joinPaths.added).toBe(2);

    const customers = await db.prisma.dataset.findUniqueOrThrow({
      where: { path: 'shop.sales.customers' },
      include: { columns: { orderBy: { position: 'asc' } } },
    });
    expect(customers).toMatchObject({
      kind: 'TABLE',
      description: 'People and companies that bought from us.',
    });
    expect(customers.columns.map((c) => [c.name, c.dataType, c.isPrimaryKey, c.description])).toEqual([
      ['id', 'bigint', true, null],
      ['email', 'text', false, 'Primary contact email.'],
      ['region', 'character varying(8)', false, null],
    ]);
    const views = await db.prisma.dataset.findMany({ where: { kind: 'VIEW' }, orderBy: { path: 'asc' } });
    expect(views.map((v) => v.path)).toEqual(['shop.sales.big_orders', 'shop.sales.revenue_by_region']);

    const joins = await db.prisma.joinPath.findMany({
      include: { fromDataset: true, toDataset: true },
      orderBy: { key: 'asc' },
    });
    expect(
      joins.map((j) => [j.name, j.fromDataset.path, j.fromColumns, j.toDataset.path, j.toColumns]),
    ).toEqual([
      ['order_lines_order_fk', 'shop.sales.order_lines', ['order_id'], 'shop.sales.orders', ['id']],
      ['orders_customer_id_fkey', 'shop.sales.orders', ['customer_id'], 'shop.sales.customers', ['id']],
    ]);
  });

  it('re-import is idempotent and follows changes in the live database', async () => {
    const before = await db.prisma.dataset.findUniqueOrThrow({ where: { path: 'shop.sales.orders' } });
    const again = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop' });
    expect(again.datasets).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 6 });
    expect(again.columns.added + again.columns.changed + again.columns.removed).toBe(0);

    await execShop(`ALTER TABLE sales.orders ADD COLUMN status text; DROP VIEW sales.big_orders;
                    COMMENT ON TABLE sales.orders IS 'One row per order.'`);
    const changed = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop' });
    expect(changed.datasets).toEqual({ added: 0, changed: 1, removed: 1, unchanged: 4 });
    expect(changed.columns.added).toBe(1);
    const after = await db.prisma.dataset.findUniqueOrThrow({ where: { path: 'shop.sales.orders' } });
    expect(after.id).toBe(before.id);
    expect(after.description).toBe('One row per order.');
  });

  it('--schema imports one schema and leaves the others of the source alone', async () => {
    const hrOnly = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop', schemas: ['hr'] });
    expect(hrOnly.datasets).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 1 });
    expect(await db.prisma.dataset.count({ where: { origin: 'postgres:shop' } })).toBe(5);
  });

  it('an unreachable database is a clear error that names the redacted URL', async () => {
    await expect(
      importPostgresCatalog(db.prisma, 'postgresql://someone:hunter2@127.0.0.1:1/nowhere', {
        sourceName: 'x',
      }),
    ).rejects.toThrow(/Cannot connect to postgresql:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  });
});
