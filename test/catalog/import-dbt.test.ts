import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { failureOf } from '../support/failure-of.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { witnessedAuditLog } from '../support/witnessed-audit-log.ts';

/** The few manifest fields these tests edit. */
interface FixtureNode {
  name: string;
  alias?: string;
  schema: string;
  database: string;
  resource_type: string;
  description: string;
}
interface MetricManifest {
  metrics: Record<string, { type_params: Record<string, unknown>; depends_on: { nodes: string[] } }>;
}
interface FixtureManifest {
  nodes: Record<string, FixtureNode>;
}

const fixture = (version: number) => path.resolve(`test/fixtures/dbt/manifest-v${version}.json`);

let db: TestDatabase;
let workDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  workDir = await mkdtemp(path.join(tmpdir(), 'aperture-dbt-'));
});
afterAll(() => db.dispose());

async function catalogState() {
  const datasets = await db.prisma.dataset.findMany({
    orderBy: { path: 'asc' },
    select: { id: true, path: true, updatedAt: true },
  });
  const columns = await db.prisma.column.count();
  const metrics = await db.prisma.metric.findMany({
    orderBy: { name: 'asc' },
    include: {
      datasetDeps: { include: { dataset: true } },
      columnDeps: { include: { column: true } },
      inputMetrics: { include: { inputMetric: true } },
    },
  });
  return { datasets, columns, metrics };
}

describe.each([10, 11, 12])('dbt manifest v%i', (version) => {
  it('imports models, sources, seeds, snapshots, semantic models, metrics and glossary', async () => {
    await db.sql.exec(
      `TRUNCATE "Source", "Domain", "Metric", "GlossaryTerm", "Dimension", "JoinPath" CASCADE`,
    );
    const summary = await importDbtManifest(db.prisma, fixture(version));
    expect(summary.origin).toBe('dbt:shop');
    expect(summary.datasets).toEqual({ added: 8, changed: 0, removed: 0, unchanged: 0 });
    expect(summary.metrics.added).toBe(6);

    const orders = await db.prisma.dataset.findUniqueOrThrow({
      where: { path: 'analytics.marts.fct_orders' },
      include: { columns: { orderBy: { position: 'asc' } }, domain: true },
    });
    expect(orders.kind).toBe('MODEL');
    expect(orders.domain?.name).toBe('sales');
    expect(orders.columns.length).toBeGreaterThan(3);

    const source = await db.prisma.dataset.findUniqueOrThrow({
      where: { path: 'raw.shop.customers' },
      include: { columns: true },
    });
    expect(source.kind).toBe('SOURCE');
    expect(source.sensitivity).toBe('RESTRICTED');
    expect(source.columns.some((column) => column.tags.includes('pii'))).toBe(true);

    const kinds = await db.prisma.dataset.groupBy({ by: ['kind'], _count: true });
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k._count]))).toEqual({
      MODEL: 4,
      SEED: 1,
      SNAPSHOT: 1,
      SOURCE: 2,
    });

    const aov = await db.prisma.metric.findUniqueOrThrow({
      where: { name: 'average_order_value' },
      include: {
        inputMetrics: { include: { inputMetric: true } },
        datasetDeps: { include: { dataset: true } },
      },
    });
    expect(aov.type).toBe('ratio');
    expect(aov.inputMetrics.map((d) => d.inputMetric.name).sort()).toEqual(['gross_revenue', 'order_count']);
    expect(aov.datasetDeps.map((d) => d.dataset.path)).toEqual(['analytics.marts.fct_orders']);

    const joins = await db.prisma.joinPath.findMany({ include: { fromDataset: true, toDataset: true } });
    expect(
      joins.map((j) => `${j.fromDataset.path}.${j.fromColumns} -> ${j.toDataset.path}.${j.toColumns}`),
    ).toEqual(['analytics.marts.fct_orders.customer_id -> analytics.marts.customers.customer_id']);
    expect((await db.prisma.glossaryTerm.findMany({ orderBy: { name: 'asc' } })).map((t) => t.name)).toEqual([
      'Active customer',
      'Gross revenue',
    ]);
  });
});

describe('re-import', () => {
  it('is idempotent: unchanged objects keep their ids and are not rewritten', async () => {
    await importDbtManifest(db.prisma, fixture(12));
    const before = await catalogState();
    const summary = await importDbtManifest(db.prisma, fixture(12));
    expect(summary.datasets).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 8 });
    expect(summary.columns.added + summary.columns.changed + summary.columns.removed).toBe(0);
    expect(summary.metrics).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 6 });
    expect(await catalogState()).toEqual(before);
  });

  it('applies changes and removals, keeping the ids of what stays', async () => {
    await importDbtManifest(db.prisma, fixture(12));
    const before = await db.prisma.dataset.findUniqueOrThrow({
      where: { path: 'analytics.marts.customers' },
    });
    const manifest = JSON.parse(await readFile(fixture(12), 'utf8')) as FixtureManifest;
    const customers = Object.values(manifest.nodes).find((n) => n.name === 'customers')!;
    customers.description = 'Changed description';
    const seedId = Object.keys(manifest.nodes).find((id) => id.startsWith('seed.'))!;
    delete manifest.nodes[seedId];
    const changed = path.join(workDir, 'changed.json');
    await writeFile(changed, JSON.stringify(manifest));

    const summary = await importDbtManifest(db.prisma, changed);
    expect(summary.datasets).toMatchObject({ added: 0, changed: 1, removed: 1 });
    const after = await db.prisma.dataset.findUniqueOrThrow({ where: { path: 'analytics.marts.customers' } });
    expect(after.id).toBe(before.id);
    expect(after.description).toBe('Changed description');
    expect(await db.prisma.dataset.count({ where: { kind: 'SEED' } })).toBe(0);
  });

  it('writes an audit event per import, and the audit log verifies', async () => {
    const events = await db.prisma.auditEvent.findMany({ where: { type: 'catalog.imported' } });
    expect(events.length).toBeGreaterThan(0);
    expect(events.at(-1)?.payload).toMatchObject({ origin: 'dbt:shop' });
    const log = await witnessedAuditLog(db.prisma);
    await log.sequence();
    expect((await log.verify()).ok).toBe(true);
  });
});

describe('metrics and ownership across imports', () => {
  it('follows a metric whose dependencies change, and removes a metric that is gone', async () => {
    await importDbtManifest(db.prisma, fixture(12));
    const manifest = JSON.parse(await readFile(fixture(12), 'utf8')) as MetricManifest;
    const aov = manifest.metrics['metric.shop.average_order_value']!;
    aov.type_params.denominator = { name: 'active_customers' };
    aov.type_params.input_measures = [{ name: 'order_total' }, { name: 'ordering_customers' }];
    aov.depends_on.nodes = ['metric.shop.gross_revenue', 'metric.shop.active_customers'];
    delete manifest.metrics['metric.shop.revenue_per_active_customer'];
    const changed = path.join(workDir, 'metrics-changed.json');
    await writeFile(changed, JSON.stringify(manifest));

    const summary = await importDbtManifest(db.prisma, changed);
    expect(summary.metrics).toMatchObject({ changed: 1, removed: 1 });
    const updated = await db.prisma.metric.findUniqueOrThrow({
      where: { name: 'average_order_value' },
      include: {
        inputMetrics: { include: { inputMetric: true } },
        columnDeps: { include: { column: true } },
      },
    });
    expect(updated.inputMetrics.map((dep) => dep.inputMetric.name).sort()).toEqual([
      'active_customers',
      'gross_revenue',
    ]);
    expect(updated.columnDeps.map((dep) => dep.column.path).sort()).toEqual([
      'analytics.marts.fct_orders.amount',
      'analytics.marts.fct_orders.customer_id',
    ]);
    expect(await db.prisma.metric.findUnique({ where: { name: 'revenue_per_active_customer' } })).toBeNull();
  });

  it('refuses paths that another import owns, naming them and the owner', async () => {
    await importDbtManifest(db.prisma, fixture(12));
    const manifest = JSON.parse(await readFile(fixture(12), 'utf8')) as {
      metadata: { project_name: string };
    };
    manifest.metadata.project_name = 'someone_else';
    const other = path.join(workDir, 'other-project.json');
    await writeFile(other, JSON.stringify(manifest));
    const before = await catalogState();
    const error = await failureOf(importDbtManifest(db.prisma, other));
    expect(error.message).toMatch(
      /already belong to another import: dataset analytics\.\S+ \(owned by dbt:shop\)/,
    );
    expect(await catalogState()).toEqual(before);
  });
});

describe('bad input changes nothing', () => {
  const badCases: [string, (text: string) => string, RegExp][] = [
    ['a truncated file', (text) => text.slice(0, Math.floor(text.length / 2)), /not valid JSON/],
    [
      'an unknown manifest version',
      (text) => text.replace('/manifest/v12.json', '/manifest/v99.json'),
      /v99 is not supported/,
    ],
    [
      'a bad sensitivity',
      (text) => text.replace(/"sensitivity": "restricted"/, '"sensitivity": "top-secret"'),
      /unknown sensitivity "top-secret"/,
    ],
    [
      'duplicate paths',
      (text) => {
        const manifest = JSON.parse(text) as FixtureManifest;
        const [first, second] = Object.values(manifest.nodes).filter((n) => n.resource_type === 'model') as [
          FixtureNode,
          FixtureNode,
        ];
        second.alias = first.alias ?? first.name;
        second.schema = first.schema;
        second.database = first.database;
        return JSON.stringify(manifest);
      },
      /duplicate path/,
    ],
  ];

  it.each(badCases)(
    'refuses %s with a message naming the file and the place',
    async (_name, corrupt, message) => {
      await importDbtManifest(db.prisma, fixture(12));
      const before = await catalogState();
      const eventsBefore = await db.prisma.auditEvent.count();
      const bad = path.join(workDir, 'bad-manifest.json');
      await writeFile(bad, corrupt(await readFile(fixture(12), 'utf8')));
      const error = await failureOf(importDbtManifest(db.prisma, bad));
      expect(error.message).toContain(bad);
      expect(error.message).toMatch(message);
      expect(await catalogState()).toEqual(before);
      expect(await db.prisma.auditEvent.count()).toBe(eventsBefore);
    },
  );

  it('refuses a v7 manifest', async () => {
    await expect(importDbtManifest(db.prisma, fixture(7))).rejects.toThrow(/manifest v7 is not supported/);
  });

  it('a missing file is a clear error', async () => {
    const missing = path.join(workDir, 'nope.json');
    await expect(importDbtManifest(db.prisma, missing)).rejects.toThrow(/nope\.json.*cannot be read/s);
    await copyFile(fixture(12), path.join(workDir, 'ok.json'));
  });
});
