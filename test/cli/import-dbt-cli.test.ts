import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editedJaffle, jaffleCatalog, jaffleManifest } from '../catalog/support/jaffle-fixture.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createEmptyPostgresDatabase } from '../support/test-database.ts';

/** `aperture import dbt` on a dbt target folder, as users run it. */
let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
const env = () => ({ DATABASE_URL: database.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' });

beforeAll(async () => {
  database = await createEmptyPostgresDatabase('aperture_dbt_cli');
  expect((await runCli(['migrate'], env())).exitCode).toBe(0);
}, 120_000);
afterAll(() => database.drop());

describe('aperture import dbt', () => {
  it('prints the catalog.json it read, the merges and the warnings; re-import changes nothing', async () => {
    const first = await runCli(['import', 'dbt', jaffleManifest(12)], env());
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Columns and types from ${jaffleCatalog(12)} (found beside the manifest)`);
    expect(first.stdout).toMatch(/datasets\s+7\s+0\s+0\s+0/);
    expect(first.stdout).toMatch(/join paths\s+1\s+0\s+0\s+0/);
    expect(first.stdout).toContain(
      'merged seed.jaffle_shop.raw_customers and source.jaffle_shop.ecom.raw_customers into jaffle.raw.raw_customers',
    );
    expect(first.stdout).toContain(
      'merged seed.jaffle_shop.raw_orders and source.jaffle_shop.ecom.raw_orders into jaffle.raw.raw_orders',
    );
    expect(first.stdout).toMatch(
      /Warnings \(1\):\n.*\n\s+jaffle\.marts\.customers\.customer_type: documented in YAML/,
    );

    const again = await runCli(['import', 'dbt', jaffleManifest(12)], env());
    expect(again.stdout).toMatch(/datasets\s+0\s+0\s+0\s+7/);
    expect(again.stdout).toMatch(/columns\s+0\s+0\s+0\s+34/);
    expect(again.stdout).toMatch(/join paths\s+0\s+0\s+0\s+1/);
  });

  it('without catalog.json, names the join path it could not place and the datasets without columns', async () => {
    const result = await runCli(['import', 'dbt', jaffleManifest(12), '--no-catalog'], env());
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('catalog.json not read (--no-catalog)');
    expect(result.stdout).toMatch(/join paths\s+0\s+0\s+1\s+0/);
    expect(result.stdout).toContain(
      'jaffle.marts.orders.customer_id -> jaffle.marts.customers.customer_id (entity customer): jaffle.marts.orders has no column customer_id (it is not documented in YAML and no catalog.json was read)',
    );
    expect(result.stdout).toContain(
      'jaffle.raw.raw_payments: no columns: none documented in YAML, and no catalog.json was read',
    );
    const alone = await editedJaffle({ catalog: false });
    const notFound = await runCli(['import', 'dbt', alone], env());
    expect(notFound.stdout).toContain(
      `No catalog.json beside the manifest (${path.join(path.dirname(alone), 'catalog.json')})`,
    );
    const given = await runCli(['import', 'dbt', alone, '--catalog', jaffleCatalog(10)], env());
    expect(given.stdout).toContain(`Columns and types from ${jaffleCatalog(10)}\n`);
    expect(given.stdout).toMatch(/join paths\s+1\s+0\s+0\s+0/);
  });

  it('refuses a malformed catalog.json with the file, the place and the reason, and exits 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aperture-dbt-cli-'));
    const bad = path.join(dir, 'catalog.json');
    await writeFile(
      bad,
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json' },
        nodes: [],
      }),
    );
    const result = await runCli(['import', 'dbt', jaffleManifest(12), '--catalog', bad], env());
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`error: ${bad}: invalid input`);
    expect(result.stderr).toMatch(/- nodes: /);
    expect(result.stderr).toMatch(/- sources: /);
    expect(result.stdout).toBe('');
  });
});
