import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { manifestToSnapshot } from '../../src/catalog/import/dbt/manifest-to-snapshot.ts';
import { parseManifest } from '../../src/catalog/import/dbt/read-manifest.ts';

const fixture = 'test/fixtures/dbt/manifest-v12.json';

interface EditableManifest {
  nodes: Record<
    string,
    {
      name: string;
      columns: Record<string, { meta: Record<string, unknown> }>;
      meta: Record<string, unknown>;
      config: { meta: Record<string, unknown> };
    }
  >;
  semantic_models: Record<string, { measures: { name: string; expr: string | null }[] }>;
  metrics: Record<string, { filter: unknown }>;
}

async function convert(edit: (manifest: EditableManifest) => void) {
  const manifest = JSON.parse(await readFile(fixture, 'utf8')) as EditableManifest;
  edit(manifest);
  return manifestToSnapshot(parseManifest(fixture, JSON.stringify(manifest)));
}

describe('dbt manifest conversion', () => {
  it('keeps a column sensitivity only when it is stricter than its dataset', async () => {
    const snapshot = await convert((manifest) => {
      const orders = Object.values(manifest.nodes).find((node) => node.name === 'orders')!;
      orders.meta.sensitivity = 'confidential';
      orders.config.meta.sensitivity = 'confidential';
      orders.columns.amount!.meta.sensitivity = 'public';
      orders.columns.order_id!.meta.sensitivity = 'restricted';
    });
    const orders = snapshot.datasets.find((dataset) => dataset.name === 'fct_orders')!;
    expect(orders.sensitivity).toBe('CONFIDENTIAL');
    expect(orders.columns.find((column) => column.name === 'amount')!.sensitivity).toBeNull();
    expect(orders.columns.find((column) => column.name === 'order_id')!.sensitivity).toBe('RESTRICTED');
  });

  it('finds the columns a measure reads whatever their case, and the dimensions its filters name', async () => {
    const snapshot = await convert((manifest) => {
      const orders = Object.values(manifest.semantic_models).find((model) =>
        model.measures.some((m) => m.name === 'order_total'),
      )!;
      orders.measures.find((measure) => measure.name === 'order_total')!.expr =
        'CASE WHEN AMOUNT > 0 THEN Amount END';
      manifest.metrics['metric.shop.gross_revenue']!.filter = {
        where_filters: [{ where_sql_template: "{{ Dimension('order__customer__is_active') }} = true" }],
      };
    });
    const revenue = snapshot.metrics.find((metric) => metric.name === 'gross_revenue')!;
    expect(revenue.columnPaths).toEqual([
      'analytics.marts.fct_orders.amount',
      'analytics.marts.customers.is_active',
    ]);
    expect(revenue.datasetPaths).toEqual(['analytics.marts.fct_orders', 'analytics.marts.customers']);
  });

  it('reports a semantic model without a dataset once', async () => {
    const manifest = JSON.parse(await readFile(fixture, 'utf8')) as {
      semantic_models: Record<string, { depends_on: { nodes: string[] }; node_relation: unknown }>;
    };
    const model = Object.values(manifest.semantic_models)[0]!;
    model.depends_on.nodes = ['model.shop.gone'];
    model.node_relation = null;
    const error = (() => {
      try {
        manifestToSnapshot(parseManifest(fixture, JSON.stringify(manifest)));
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(error.message.match(/is not a dataset in this manifest/g)).toHaveLength(1);
  });
});
