import { describe, expect, it } from 'vitest';
import { validatePolicySet } from '../../src/policy/store/policy-store.ts';
import {
  type SourceCheckFinding,
  type SourceFacts,
  sourceCheckFindings,
} from '../../src/vending/postgres/source-check-findings.ts';
import { formatSourceCheck } from '../../src/vending/postgres/source-check-format.ts';
import type { AdminFacts } from '../../src/vending/postgres/source-check-queries.ts';
import {
  type CatalogDataset,
  relationsOfDatasets,
} from '../../src/vending/postgres/source-check-relations.ts';

/** An admin role with everything vending needs. */
const readyAdmin: AdminFacts = {
  role: 'aperture_admin',
  database: 'shop',
  versionNum: 150_004,
  version: '15.4',
  superuser: false,
  login: true,
  inherit: true,
  createRole: true,
  signalBackend: true,
  createOnDatabase: true,
  schemaExists: false,
  schemaOwner: null,
  schemaOwned: false,
  publicTemporary: false,
  publicCreateSchemas: [],
  publicConnectDatabases: [],
  publicDefinerFunctions: [],
};

function relation(schema: string, name: string, facts: Partial<SourceFacts['relations'][number]> = {}) {
  return {
    schema,
    name,
    found: true,
    kind: 'r',
    owner: 'shop_owner',
    ownerSuperuser: false,
    ownerMember: false,
    grantOption: true,
    schemaUsage: true,
    rowFiltered: false,
    ...facts,
  };
}

function facts(overrides: Partial<SourceFacts> = {}): SourceFacts {
  const relations = overrides.relations ?? [relation('sales', 'orders')];
  return {
    source: 'shop',
    managedSchema: 'aperture',
    vendedMarker: 'aperture_shop_vended',
    admin: readyAdmin,
    relations,
    publicReadable: [],
    catalogRelations: new Set(relations.map((r) => `${r.schema}.${r.name}`)),
    ...overrides,
  };
}

const notOk = (findings: SourceCheckFinding[]) => findings.filter((finding) => !finding.ok);

describe('source check findings', () => {
  it('a ready admin role passes every check', () => {
    expect(notOk(sourceCheckFindings(facts()))).toEqual([]);
  });

  it('500 relations that cannot be granted make one finding, 20 relations per GRANT', () => {
    const relations = Array.from({ length: 500 }, (_, index) =>
      relation(index % 2 ? 'sales' : 'finance', `t${String(index).padStart(3, '0')}`, { grantOption: false }),
    );
    const [finding, ...others] = notOk(sourceCheckFindings(facts({ relations })));
    expect(others).toEqual([]);
    expect(finding!.check).toBe('grant-select');
    expect(finding!.detail).toBe(
      '500 relations: aperture_admin cannot grant SELECT (neither owner nor WITH GRANT OPTION): finance.t000, sales.t001, finance.t002, sales.t003, finance.t004, sales.t005, finance.t006, sales.t007, finance.t008, sales.t009 and 490 more',
    );
    const statements = finding!.fix!.split('\n');
    expect(statements).toHaveLength(26);
    expect(statements[0]).toMatch(
      /^GRANT SELECT ON "finance"\."t000", "finance"\."t002", .* TO "aperture_admin" WITH GRANT OPTION;$/,
    );
    const listed = statements.map((statement) => statement.split(', ').length);
    expect(Math.max(...listed)).toBe(20);
    expect(listed.reduce((sum, n) => sum + n, 0)).toBe(500);
  });

  it('a superuser passes but is warned; PostgreSQL 12 is missing', () => {
    const superuser = sourceCheckFindings(
      facts({
        admin: {
          ...readyAdmin,
          superuser: true,
          createRole: false,
          signalBackend: false,
          createOnDatabase: false,
        },
      }),
    );
    expect(notOk(superuser).map((finding) => [finding.check, finding.severity])).toEqual([
      ['not-superuser', 'warning'],
    ]);
    const old = sourceCheckFindings(
      facts({ admin: { ...readyAdmin, versionNum: 120_015, version: '12.15' } }),
    );
    expect(notOk(old)).toEqual([
      {
        check: 'server-version',
        ok: false,
        severity: 'missing',
        detail: 'PostgreSQL 12.15: role vending needs PostgreSQL 13 or later',
        fix: null,
      },
    ]);
  });

  it('a managed schema someone else owns, a NOINHERIT admin', () => {
    const findings = sourceCheckFindings(
      facts({
        admin: { ...readyAdmin, inherit: false, schemaExists: true, schemaOwner: 'dba', schemaOwned: false },
      }),
    );
    expect(notOk(findings).map((finding) => [finding.check, finding.fix])).toEqual([
      ['inherit', 'ALTER ROLE "aperture_admin" INHERIT;'],
      ['managed-schema', 'ALTER SCHEMA "aperture" OWNER TO "aperture_admin";'],
    ]);
  });

  it('row-filtered tables need their owner: membership, or the table itself from a superuser', () => {
    const findings = sourceCheckFindings(
      facts({
        relations: [
          relation('sales', 'customers', { rowFiltered: true }),
          relation('sales', 'leads', { rowFiltered: true }),
          relation('sales', 'events', {
            rowFiltered: true,
            kind: 'p',
            owner: 'postgres',
            ownerSuperuser: true,
          }),
          relation('sales', 'orders', { rowFiltered: true, ownerMember: true, grantOption: false }),
        ],
      }),
    );
    expect(notOk(findings).map((finding) => [finding.check, finding.fix])).toEqual([
      [
        'row-filter-owner',
        'GRANT "shop_owner" TO "aperture_admin";\nALTER TABLE "sales"."events" OWNER TO "aperture_admin";',
      ],
    ]);
  });

  it('a row-filtered view cannot be filtered (row security is for tables): it needs SELECT only', () => {
    const findings = sourceCheckFindings(
      facts({
        relations: [
          relation('sales', 'big_orders', { rowFiltered: true, kind: 'v', grantOption: false }),
          relation('sales', 'revenue', { rowFiltered: true, kind: 'm' }),
        ],
      }),
    );
    expect(notOk(findings).map((finding) => [finding.check, finding.detail, finding.fix])).toEqual([
      [
        'grant-select',
        '1 relation: aperture_admin cannot grant SELECT (neither owner nor WITH GRANT OPTION): sales.big_orders',
        'GRANT SELECT ON "sales"."big_orders" TO "aperture_admin" WITH GRANT OPTION;',
      ],
      [
        'row-filter-tables',
        '2 relations with row filters are not tables (PostgreSQL has row level security on tables only), so vending cannot filter their rows: sales.big_orders, sales.revenue; filter the tables they read instead',
        null,
      ],
    ]);
  });

  it('an empty catalog is a warning that names the import', () => {
    const findings = sourceCheckFindings(facts({ relations: [] }));
    expect(notOk(findings).map((finding) => [finding.check, finding.severity, finding.detail])).toEqual([
      [
        'catalog-relations',
        'warning',
        'the catalog has no datasets of source shop: import it first (aperture import postgres <url> --source shop); nothing else of the source was checked',
      ],
    ]);
  });

  it('prints a mark per check, the fixes indented, and a summary', () => {
    const findings = sourceCheckFindings(
      facts({
        admin: { ...readyAdmin, createRole: false },
        publicReadable: [{ schema: 'tmp', name: 'scratch', kind: 'r', whole: true, columns: [] }],
      }),
    );
    const report = {
      source: 'shop',
      server: 'db:5432/shop',
      adminRole: 'aperture_admin',
      serverVersion: '15.4',
      relations: 1,
      findings,
      missing: 1,
      warnings: 1,
    };
    expect(formatSourceCheck(report)).toEqual([
      'Source shop: db:5432/shop as aperture_admin, 1 relation in the catalog',
      '✓ server-version: PostgreSQL 15.4',
      '✓ not-superuser: aperture_admin is not a superuser',
      '✓ login: aperture_admin can log in',
      '✓ inherit: aperture_admin inherits the rights of its roles',
      '✗ createrole: aperture_admin cannot create roles (CREATEROLE): it makes the reader, capability and vended roles',
      '    ALTER ROLE "aperture_admin" CREATEROLE;',
      '✓ signal-backend: aperture_admin can end vended sessions (pg_signal_backend)',
      '✓ managed-schema: aperture_admin can create schema aperture',
      '✓ no-public-create: no schema lets PUBLIC create objects',
      '✓ no-public-temporary: PUBLIC may not create temporary tables',
      '✓ other-databases: PUBLIC may connect to no other database of the cluster',
      '✓ public-definer-functions: PUBLIC may execute no SECURITY DEFINER function',
      '✓ relations-exist: 1 relation of the catalog exists',
      "✓ schema-usage: aperture_admin can use the schemas of the catalog's relations",
      '✓ grant-select: aperture_admin can grant SELECT on 1 relation (owner or WITH GRANT OPTION)',
      '✓ row-filter-owner: no policy filters the rows of these relations',
      '✓ row-filter-tables: every relation with row filters is a table',
      '✓ public-select: no relation of the catalog grants SELECT to PUBLIC',
      '! public-select-outside-catalog: 1 relation outside the catalog grants SELECT to PUBLIC, so every vended role reads them whatever its slice says: tmp.scratch',
      '    REVOKE SELECT ON "tmp"."scratch" FROM PUBLIC;',
      "1 check failed, 1 warning: run the SQL above as a superuser (or the objects' owners), then check again.",
    ]);
    expect(formatSourceCheck({ ...report, findings: [], missing: 0, warnings: 0 }).at(-1)).toBe(
      'Source shop is ready for role vending.',
    );
  });
});

describe('which relations a policy may row-filter', () => {
  const dataset = (path: string, extra: Partial<CatalogDataset> = {}): CatalogDataset => {
    const [, schema, name] = path.split('.');
    return {
      id: path,
      path,
      schema: schema!,
      name: name!,
      tags: [],
      domain: null,
      sensitivity: 'INTERNAL',
      ...extra,
    };
  };
  const policies = validatePolicySet(
    [
      {
        id: 'finance-rows',
        description: 'finance rows by region',
        effect: 'allow',
        tier: 'READ',
        resources: { domains: ['finance'] },
        rowFilters: [{ predicate: 'region = {{human.region}}' }],
      },
      {
        id: 'pii-rows',
        description: 'pii rows by region, only the customers table',
        effect: 'allow',
        tier: 'READ',
        resources: { tags: ['pii'] },
        rowFilters: [{ datasets: ['*.sales.customers'], predicate: 'region = {{human.region}}' }],
      },
      { id: 'read-all', description: 'everyone reads', effect: 'allow', tier: 'READ' },
    ],
    'test',
  );

  it('by the policy resources and the filter datasets; a relation named twice is filtered if either is', () => {
    expect(
      relationsOfDatasets(
        [
          dataset('shop.fin.ledger', { domain: 'finance' }),
          dataset('shop.sales.customers', { tags: ['pii'] }),
          dataset('shop.sales.leads', { tags: ['pii'] }),
          dataset('shop.sales.orders'),
          dataset('shop.fin.ledger', { id: 'again' }),
        ],
        policies,
      ),
    ).toEqual([
      { schema: 'fin', name: 'ledger', rowFiltered: true },
      { schema: 'sales', name: 'customers', rowFiltered: true },
      { schema: 'sales', name: 'leads', rowFiltered: false },
      { schema: 'sales', name: 'orders', rowFiltered: false },
    ]);
  });

  it('names the schemas where PUBLIC creates objects, and PUBLIC temporary tables, with the REVOKE', () => {
    const findings = sourceCheckFindings(
      facts({ admin: { ...readyAdmin, publicTemporary: true, publicCreateSchemas: ['public', 'scratch'] } }),
    );
    expect(findings.find((finding) => finding.check === 'no-public-create')).toEqual({
      check: 'no-public-create',
      ok: false,
      severity: 'missing',
      detail:
        'PUBLIC may create objects in public, scratch: a vended role could too, and a role that owns something cannot be dropped',
      fix: 'REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;\nREVOKE CREATE ON SCHEMA "scratch" FROM PUBLIC;',
    });
    expect(findings.find((finding) => finding.check === 'no-public-temporary')).toMatchObject({
      ok: false,
      severity: 'warning',
      fix: 'REVOKE TEMPORARY ON DATABASE "shop" FROM PUBLIC;',
    });
  });
});
