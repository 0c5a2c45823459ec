import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPostgresCatalog } from '../../src/catalog/import/import-postgres-catalog.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { checkSource, type SourceCheckReport } from '../../src/vending/postgres/source-check.ts';
import { catalogRelations } from '../../src/vending/postgres/source-check-relations.ts';
import { parseSourceConnections, type SourceConnection } from '../../src/vending/source-connections.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createSourceFixture, type SourceFixture } from './support/source-check-fixture.ts';

let db: TestDatabase;
let shop: SourceFixture;
let connection: SourceConnection;
let connectionsJson: string;
/** The schemas the catalog holds: public.scratch stays outside it. */
const schemas = ['sales', 'hr'];

beforeAll(async () => {
  db = await createTestDatabase();
  shop = await createSourceFixture();
  await importPostgresCatalog(db.prisma, shop.database.url, { sourceName: 'shop', schemas });
  // After the import: a relation the catalog names but the database lost, and one it never had.
  await shop.asSuperuser(`
    DROP TABLE sales.legacy;
    CREATE TABLE public.scratch (note text);
    GRANT SELECT ON public.scratch TO PUBLIC;
  `);
  await applyPolicySet(
    db.prisma,
    validatePolicySet(
      [
        {
          id: 'shop-by-region',
          description: 'Everyone reads the shop, rows of their own region',
          effect: 'allow',
          tier: 'READ',
          resources: { paths: ['shop.**'] },
          rowFilters: [
            { datasets: ['shop.sales.customers', 'shop.hr.reviews'], predicate: 'region = {{human.region}}' },
          ],
        },
      ],
      'test',
    ),
    { source: 'test' },
  );
  connectionsJson = JSON.stringify({ shop: { adminUrl: shop.adminUrl, rolePrefix: shop.rolePrefix } });
  const parsed = parseSourceConnections(connectionsJson);
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  connection = parsed.get('shop')!;
});
afterAll(async () => {
  await db?.dispose();
  await shop?.drop();
});

const cliEnv = () => ({
  DATABASE_URL: db.url,
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  APERTURE_SOURCE_CONNECTIONS: connectionsJson,
});

/**
 * The failing checks but `other-databases`: which other databases PUBLIC may connect to depends on
 * what else the test cluster holds (other test files' databases, postgres).
 */
function failing(report: SourceCheckReport): Record<string, { severity: string; fix: string | null }> {
  return Object.fromEntries(
    report.findings
      .filter((finding) => !finding.ok && finding.check !== 'other-databases')
      .map((finding) => [finding.check, { severity: finding.severity, fix: finding.fix }]),
  );
}

describe('aperture sources check', () => {
  it('reads the relations of the source from the catalog, row-filtered where a policy filters them', async () => {
    expect(await catalogRelations(db.prisma, 'shop')).toEqual([
      { schema: 'hr', name: 'reviews', rowFiltered: true },
      { schema: 'hr', name: 'salaries', rowFiltered: false },
      { schema: 'sales', name: 'big_orders', rowFiltered: false },
      { schema: 'sales', name: 'customers', rowFiltered: true },
      { schema: 'sales', name: 'legacy', rowFiltered: false },
      { schema: 'sales', name: 'orders', rowFiltered: false },
      { schema: 'sales', name: 'regions', rowFiltered: false },
    ]);
    expect(await catalogRelations(db.prisma, 'elsewhere')).toEqual([]);
  });

  it('names exactly what the admin role lacks, with the SQL that fixes it', async () => {
    const report = await checkSource(connection, await catalogRelations(db.prisma, 'shop'));
    const admin = `"${shop.adminRole}"`;
    expect(report).toMatchObject({
      source: 'shop',
      server: `127.0.0.1:5432/${shop.database.name}`,
      adminRole: shop.adminRole,
      relations: 7,
      missing: 8,
      // PUBLIC may connect to the cluster's other databases (the test cluster has many), and call
      // a SECURITY DEFINER function.
      warnings: 3,
    });
    expect(failing(report)).toEqual({
      createrole: { severity: 'missing', fix: `ALTER ROLE ${admin} CREATEROLE;` },
      'signal-backend': { severity: 'missing', fix: `GRANT pg_signal_backend TO ${admin};` },
      'managed-schema': {
        severity: 'missing',
        fix: `GRANT CREATE ON DATABASE "${shop.database.name}" TO ${admin};`,
      },
      'relations-exist': { severity: 'missing', fix: null },
      'schema-usage': { severity: 'missing', fix: `GRANT USAGE ON SCHEMA "hr" TO ${admin};` },
      'grant-select': {
        severity: 'missing',
        fix: [
          `GRANT SELECT ON "hr"."salaries" TO ${admin} WITH GRANT OPTION;`,
          `GRANT SELECT ON "sales"."big_orders", "sales"."regions" TO ${admin} WITH GRANT OPTION;`,
        ].join('\n'),
      },
      'row-filter-owner': {
        severity: 'missing',
        fix: [`GRANT "${shop.ownerRole}" TO ${admin};`, `ALTER TABLE "hr"."reviews" OWNER TO ${admin};`].join(
          '\n',
        ),
      },
      'public-select': {
        severity: 'missing',
        fix: [
          'REVOKE SELECT ON "sales"."regions" FROM PUBLIC;',
          'REVOKE SELECT ("region") ON "sales"."customers" FROM PUBLIC;',
        ].join('\n'),
      },
      'public-select-outside-catalog': {
        severity: 'warning',
        fix: 'REVOKE SELECT ON "public"."scratch" FROM PUBLIC;',
      },
      'public-definer-functions': {
        severity: 'warning',
        fix: 'REVOKE EXECUTE ON FUNCTION hr.salary_of(bigint) FROM PUBLIC;',
      },
    });
    const detail = (check: string) => report.findings.find((finding) => finding.check === check)?.detail;
    expect(detail('relations-exist')).toBe(
      'the catalog names 1 relation the database does not have: sales.legacy: re-import the source (aperture import postgres <url> --source shop)',
    );
    expect(detail('grant-select')).toBe(
      `3 relations: ${shop.adminRole} cannot grant SELECT (neither owner nor WITH GRANT OPTION): hr.salaries, sales.big_orders, sales.regions`,
    );
    expect(detail('public-select')).toMatch(
      /^2 relations of the catalog grant SELECT to PUBLIC, .*: sales\.customers, sales\.regions$/,
    );
    expect(report.findings.filter((finding) => finding.ok).map((finding) => finding.check)).toEqual([
      'server-version',
      'not-superuser',
      'login',
      'inherit',
      'no-public-create',
      'no-public-temporary',
      'row-filter-tables',
    ]);
  });

  it('through the CLI: a mark per check, the fixes, a summary, exit code 1, and never the password', async () => {
    const run = await runCli(['sources', 'check', 'shop'], cliEnv());
    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `Source shop: 127.0.0.1:5432/${shop.database.name} as ${shop.adminRole}, 7 relations in the catalog`,
    );
    expect(lines).toContain(`✓ not-superuser: ${shop.adminRole} is not a superuser`);
    expect(lines).toContain(
      `✗ createrole: ${shop.adminRole} cannot create roles (CREATEROLE): it makes the reader, capability and vended roles`,
    );
    expect(lines).toContain(`    ALTER ROLE "${shop.adminRole}" CREATEROLE;`);
    expect(lines.some((line) => line.startsWith('! public-select-outside-catalog: 1 relation outside'))).toBe(
      true,
    );
    expect(lines.at(-1)).toBe(
      "8 checks failed, 3 warnings: run the SQL above as a superuser (or the objects' owners), then check again.",
    );
    expect(run.stdout + run.stderr).not.toContain(shop.password);

    const list = await runCli(['sources', 'list'], cliEnv());
    expect(list.exitCode).toBe(0);
    expect(list.stdout.trim()).toBe(
      `shop  127.0.0.1:5432/${shop.database.name}  roles ${shop.rolePrefix}_*  schema aperture`,
    );
    expect(list.stdout + list.stderr).not.toContain(shop.password);

    const unknown = await runCli(['sources', 'check', 'warehouse'], cliEnv());
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      'error: source warehouse is not registered: the registered sources are shop (APERTURE_SOURCE_CONNECTIONS)',
    );
  });

  it('passes once the printed SQL ran (as a superuser) and the catalog was re-imported', async () => {
    const before = await checkSource(connection, await catalogRelations(db.prisma, 'shop'));
    // Not the REVOKE CONNECT on the cluster's other databases: they are other tests' (and postgres).
    const fixes = before.findings.flatMap((finding) =>
      finding.ok || !finding.fix || finding.check === 'other-databases' ? [] : [finding.fix],
    );
    await shop.asSuperuser(fixes.join('\n'));
    await importPostgresCatalog(db.prisma, shop.database.url, { sourceName: 'shop', schemas });

    const after = await checkSource(connection, await catalogRelations(db.prisma, 'shop'));
    expect(failing(after)).toEqual({});
    expect(after).toMatchObject({ relations: 6, missing: 0, warnings: 1 });
    expect(after.findings.find((finding) => !finding.ok)).toMatchObject({
      check: 'other-databases',
      severity: 'warning',
      detail: expect.stringContaining('REVOKE CONNECT, or confine the vended roles in pg_hba.conf'),
    });

    const run = await runCli(['sources', 'check', 'shop'], cliEnv());
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Source shop is ready for role vending (1 warning).',
    );
    expect(run.stdout).not.toMatch(/^✗/m);
  });

  it('a connection that fails names the URL without its password', async () => {
    const wrong = { ...connection, adminUrl: shop.adminUrl.replace(/\/[^/]+$/, '/no_such_database_x') };
    const error = await checkSource(wrong, []).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect((error as Error).message).toContain(
      `source shop: cannot connect to postgresql://${shop.adminRole}:***@`,
    );
    expect((error as Error).message).not.toContain(shop.password);
  });
});
