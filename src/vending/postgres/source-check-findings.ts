import { quoteIdent } from './managed-names.ts';
import type { AdminFacts, PublicReadable, RelationFacts } from './source-check-queries.ts';

/** `missing`: vending cannot work (or would leak) until it is fixed; `warning`: it works, but look. */
export type FindingSeverity = 'missing' | 'warning';

/** One thing `aperture sources check` verified. */
export interface SourceCheckFinding {
  /** A stable name: `createrole`, `grant-select`, ... */
  check: string;
  ok: boolean;
  /** How bad it is when not ok. */
  severity: FindingSeverity;
  detail: string;
  /** The SQL an operator runs (as a superuser, or the objects' owners) to fix it; null when SQL cannot. */
  fix: string | null;
}

/** A relation of the catalog, and whether a policy may filter its rows (then aperture must own it). */
export interface CheckedRelation {
  schema: string;
  name: string;
  rowFiltered: boolean;
}

export interface SourceFacts {
  source: string;
  /** The schema aperture manages in the source database. */
  managedSchema: string;
  /** The role every vended login is a member of (pg_hba.conf can confine it). */
  vendedMarker: string;
  admin: AdminFacts;
  /** In the order of the catalog's relations. */
  relations: (RelationFacts & { rowFiltered: boolean })[];
  publicReadable: PublicReadable[];
  /** `schema.name` of every relation the catalog names (to tell catalog data from the rest). */
  catalogRelations: ReadonlySet<string>;
}

/** How many relations a detail names before it says "and N more". */
const shownRelations = 10;
/** How many relations one GRANT or REVOKE statement lists. */
const relationsPerStatement = 20;

/**
 * What the admin role lacks (and what leaks), from facts read in the source database. Relation
 * checks are one finding each however many relations fail, so a source of 500 tables prints a
 * readable report; their fix lists every statement.
 */
export function sourceCheckFindings(facts: SourceFacts): SourceCheckFinding[] {
  const { admin } = facts;
  const role = quoteIdent(admin.role);
  const findings: SourceCheckFinding[] = [
    {
      check: 'server-version',
      ok: admin.versionNum >= 130_000,
      severity: 'missing',
      detail:
        admin.versionNum >= 130_000
          ? `PostgreSQL ${admin.version}`
          : `PostgreSQL ${admin.version}: role vending needs PostgreSQL 13 or later`,
      fix: null,
    },
    {
      check: 'not-superuser',
      ok: !admin.superuser,
      severity: 'warning',
      detail: admin.superuser
        ? `${admin.role} is a superuser: every check below passes for it, and a leaked admin URL gives away the whole cluster; use a dedicated role with CREATEROLE (no superuser) and check again`
        : `${admin.role} is not a superuser`,
      fix: null,
    },
    attribute('login', admin.login, `${admin.role} can log in`, `ALTER ROLE ${role} LOGIN;`),
    attribute(
      'inherit',
      admin.inherit || admin.superuser,
      admin.inherit || admin.superuser
        ? `${admin.role} inherits the rights of its roles`
        : `${admin.role} is NOINHERIT: it cannot use the rights of the roles it is a member of (table owners, pg_signal_backend, the reader role)`,
      `ALTER ROLE ${role} INHERIT;`,
    ),
    attribute(
      'createrole',
      admin.createRole || admin.superuser,
      admin.createRole || admin.superuser
        ? `${admin.role} can create roles`
        : `${admin.role} cannot create roles (CREATEROLE): it makes the reader, capability and vended roles`,
      `ALTER ROLE ${role} CREATEROLE;`,
    ),
    attribute(
      'signal-backend',
      admin.signalBackend || admin.superuser,
      admin.signalBackend || admin.superuser
        ? `${admin.role} can end vended sessions (pg_signal_backend)`
        : `${admin.role} is not a member of pg_signal_backend: it could not end the live sessions of a revoked or expired vended role`,
      `GRANT pg_signal_backend TO ${role};`,
    ),
    managedSchemaFinding(facts),
    noneFinding({
      check: 'no-public-create',
      severity: 'missing',
      items: admin.publicCreateSchemas,
      ok: 'no schema lets PUBLIC create objects',
      problem: (shown) =>
        `PUBLIC may create objects in ${shown}: a vended role could too, and a role that owns something cannot be dropped`,
      statement: (schema) => `REVOKE CREATE ON SCHEMA ${quoteIdent(schema)} FROM PUBLIC;`,
    }),
    {
      check: 'no-public-temporary',
      ok: !admin.publicTemporary,
      severity: 'warning',
      detail: admin.publicTemporary
        ? `PUBLIC may create temporary tables in ${admin.database}: a vended role could too (they end with its session); grant TEMPORARY to the roles that need it instead`
        : 'PUBLIC may not create temporary tables',
      fix: admin.publicTemporary
        ? `REVOKE TEMPORARY ON DATABASE ${quoteIdent(admin.database)} FROM PUBLIC;`
        : null,
    },
    otherDatabasesFinding(facts),
    definerFunctionsFinding(facts),
    ...relationFindings(facts),
  ];
  return findings;
}

/**
 * Roles are cluster-wide and PUBLIC may connect to every database by default: a vended login could
 * log in to the others and read what PUBLIC may read there. Either REVOKE CONNECT, or confine the
 * vended marker role to this database in pg_hba.conf.
 */
function otherDatabasesFinding({ admin, vendedMarker }: SourceFacts): SourceCheckFinding {
  const others = admin.publicConnectDatabases;
  return noneFinding({
    check: 'other-databases',
    severity: 'warning',
    items: others,
    ok: 'PUBLIC may connect to no other database of the cluster',
    problem: (shown) =>
      `PUBLIC may connect to ${count(others.length, 'other database')} of the cluster (${shown}): a vended login could log in there too; REVOKE CONNECT, or confine the vended roles in pg_hba.conf to this database (\`host ${admin.database} +${vendedMarker} ... scram-sha-256\`, then \`host all +${vendedMarker} ... reject\`)`,
    statement: (database) => `REVOKE CONNECT ON DATABASE ${quoteIdent(database)} FROM PUBLIC;`,
  });
}

/** A SECURITY DEFINER function runs with its owner's rights: whoever may call it reads what it reads. */
function definerFunctionsFinding({ admin }: SourceFacts): SourceCheckFinding {
  const functions = admin.publicDefinerFunctions;
  return noneFinding({
    check: 'public-definer-functions',
    severity: 'warning',
    items: functions,
    ok: 'PUBLIC may execute no SECURITY DEFINER function',
    problem: (shown) =>
      `PUBLIC may execute ${count(functions.length, 'SECURITY DEFINER function')} (${shown}): a vended login could read through them whatever its slice`,
    statement: (fn) => `REVOKE EXECUTE ON FUNCTION ${fn} FROM PUBLIC;`,
  });
}

/** A check that passes when `items` is empty; else it names the first few, and fixes each. */
function noneFinding(finding: {
  check: string;
  severity: FindingSeverity;
  items: readonly string[];
  ok: string;
  problem: (shown: string) => string;
  statement: (item: string) => string;
}): SourceCheckFinding {
  const { check, severity, items } = finding;
  if (items.length === 0) return { check, ok: true, severity, detail: finding.ok, fix: null };
  const shown = `${items.slice(0, shownRelations).join(', ')}${items.length > shownRelations ? ', ...' : ''}`;
  return {
    check,
    ok: false,
    severity,
    detail: finding.problem(shown),
    fix: items.map(finding.statement).join('\n'),
  };
}

function attribute(check: string, ok: boolean, detail: string, fix: string): SourceCheckFinding {
  return { check, ok, severity: 'missing', detail, fix: ok ? null : fix };
}

function managedSchemaFinding({ admin, managedSchema }: SourceFacts): SourceCheckFinding {
  const schema = quoteIdent(managedSchema);
  const role = quoteIdent(admin.role);
  const base = { check: 'managed-schema', severity: 'missing' as const };
  if (admin.schemaExists) {
    return admin.schemaOwned || admin.superuser
      ? {
          ...base,
          ok: true,
          detail: `schema ${managedSchema} exists, owned by ${admin.schemaOwner}`,
          fix: null,
        }
      : {
          ...base,
          ok: false,
          detail: `schema ${managedSchema} exists but belongs to ${admin.schemaOwner}: aperture keeps its views and mapping tables there and must own it`,
          fix: `ALTER SCHEMA ${schema} OWNER TO ${role};`,
        };
  }
  return admin.createOnDatabase || admin.superuser
    ? { ...base, ok: true, detail: `${admin.role} can create schema ${managedSchema}`, fix: null }
    : {
        ...base,
        ok: false,
        detail: `schema ${managedSchema} does not exist and ${admin.role} cannot create it (CREATE on database ${admin.database})`,
        fix: `GRANT CREATE ON DATABASE ${quoteIdent(admin.database)} TO ${role};`,
      };
}

type Relation = SourceFacts['relations'][number];

function relationFindings(facts: SourceFacts): SourceCheckFinding[] {
  const { relations, admin } = facts;
  const role = quoteIdent(admin.role);
  if (relations.length === 0) {
    return [
      {
        check: 'catalog-relations',
        ok: false,
        severity: 'warning',
        detail: `the catalog has no datasets of source ${facts.source}: import it first (aperture import postgres <url> --source ${facts.source}); nothing else of the source was checked`,
        fix: null,
      },
      publicSelectFinding(facts, false),
    ];
  }
  const found = relations.filter((relation) => relation.found);
  const absent = relations.filter((relation) => !relation.found);
  const noUsage = found.filter((relation) => !relation.schemaUsage);
  // Row security exists on tables only: a filtered view needs just SELECT, and a finding of its own.
  const filteredTables = found.filter((relation) => relation.rowFiltered && isTable(relation));
  const filteredOthers = found.filter((relation) => relation.rowFiltered && !isTable(relation));
  const cannotGrant = found.filter(
    (relation) =>
      !(relation.rowFiltered && isTable(relation)) && !relation.ownerMember && !relation.grantOption,
  );
  const notOwned = filteredTables.filter((relation) => !relation.ownerMember);
  const filtered = filteredTables.length;
  const usageSchemas = [...new Set(noUsage.map((relation) => relation.schema))];
  return [
    {
      check: 'relations-exist',
      ok: absent.length === 0,
      severity: 'missing',
      detail:
        absent.length === 0
          ? `${count(relations.length, 'relation')} of the catalog ${relations.length === 1 ? 'exists' : 'exist'}`
          : `the catalog names ${count(absent.length, 'relation')} the database does not have: ${names(absent)}: re-import the source (aperture import postgres <url> --source ${facts.source})`,
      fix: null,
    },
    {
      check: 'schema-usage',
      ok: noUsage.length === 0,
      severity: 'missing',
      detail:
        noUsage.length === 0
          ? `${admin.role} can use the schemas of the catalog's relations`
          : `${admin.role} cannot use ${count(usageSchemas.length, 'schema')} (USAGE) holding ${count(noUsage.length, 'relation')}: ${usageSchemas.join(', ')}`,
      fix:
        noUsage.length === 0
          ? null
          : usageSchemas
              .map((schema) => `GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${role};`)
              .join('\n'),
    },
    {
      check: 'grant-select',
      ok: cannotGrant.length === 0,
      severity: 'missing',
      detail:
        cannotGrant.length === 0
          ? `${admin.role} can grant SELECT on ${count(found.length, 'relation')} (owner or WITH GRANT OPTION)`
          : `${count(cannotGrant.length, 'relation')}: ${admin.role} cannot grant SELECT (neither owner nor WITH GRANT OPTION): ${names(cannotGrant)}`,
      fix: cannotGrant.length === 0 ? null : grantSelectStatements(cannotGrant, role),
    },
    {
      check: 'row-filter-owner',
      ok: notOwned.length === 0,
      severity: 'missing',
      detail:
        notOwned.length === 0
          ? filtered === 0
            ? 'no policy filters the rows of these relations'
            : `${admin.role} owns the ${count(filtered, 'relation')} whose rows policies filter`
          : `${count(notOwned.length, 'relation')} with row filters: ${admin.role} does not own them (only an owner can enable row level security and create policies): ${names(notOwned)}`,
      fix: notOwned.length === 0 ? null : ownershipStatements(notOwned, role),
    },
    {
      check: 'row-filter-tables',
      ok: filteredOthers.length === 0,
      severity: 'missing',
      detail:
        filteredOthers.length === 0
          ? 'every relation with row filters is a table'
          : `${count(filteredOthers.length, 'relation')} with row filters ${filteredOthers.length === 1 ? 'is not a table' : 'are not tables'} (PostgreSQL has row level security on tables only), so vending cannot filter their rows: ${names(filteredOthers)}; filter the tables they read instead`,
      fix: null,
    },
    publicSelectFinding(facts, true),
    publicSelectFinding(facts, false),
  ];
}

/** Plain and partitioned tables: the relations row level security applies to. */
function isTable(relation: Relation): boolean {
  return relation.kind === 'r' || relation.kind === 'p';
}

/** PUBLIC reads of catalog relations are missing fixes; of other relations, warnings. */
function publicSelectFinding(facts: SourceFacts, inCatalog: boolean): SourceCheckFinding {
  const open = facts.publicReadable.filter(
    (relation) => facts.catalogRelations.has(`${relation.schema}.${relation.name}`) === inCatalog,
  );
  const check = inCatalog ? 'public-select' : 'public-select-outside-catalog';
  const where = inCatalog ? 'of the catalog' : 'outside the catalog';
  if (open.length === 0) {
    return {
      check,
      ok: true,
      severity: inCatalog ? 'missing' : 'warning',
      detail: `no relation ${where} grants SELECT to PUBLIC`,
      fix: null,
    };
  }
  return {
    check,
    ok: false,
    severity: inCatalog ? 'missing' : 'warning',
    detail: `${count(open.length, 'relation')} ${where} ${open.length === 1 ? 'grants' : 'grant'} SELECT to PUBLIC, so every vended role reads them whatever its slice says: ${names(open)}`,
    fix: revokePublicStatements(open),
  };
}

function grantSelectStatements(relations: Relation[], role: string): string {
  // One statement per schema and owner, so an owner (not only a superuser) can run its own lines.
  const groups = groupBy(relations, (relation) => `${relation.schema}\u0000${relation.owner}`);
  return [...groups.values()]
    .flatMap((group) =>
      chunks(group, relationsPerStatement).map(
        (chunk) => `GRANT SELECT ON ${chunk.map(qualified).join(', ')} TO ${role} WITH GRANT OPTION;`,
      ),
    )
    .join('\n');
}

/**
 * Membership in the owner gives ownership's rights, except when the owner is a superuser: that
 * membership would make the admin one, so the relation is handed over instead.
 */
function ownershipStatements(relations: Relation[], role: string): string {
  const owners = [
    ...new Set(relations.filter((relation) => !relation.ownerSuperuser).map((relation) => relation.owner!)),
  ];
  return [
    ...owners.map((owner) => `GRANT ${quoteIdent(owner)} TO ${role};`),
    ...relations
      .filter((relation) => relation.ownerSuperuser)
      .map((relation) => `ALTER ${alterKeyword(relation.kind)} ${qualified(relation)} OWNER TO ${role};`),
  ].join('\n');
}

function revokePublicStatements(relations: PublicReadable[]): string {
  const whole = relations.filter((relation) => relation.whole);
  const bySchema = groupBy(whole, (relation) => relation.schema);
  return [
    ...[...bySchema.values()].flatMap((group) =>
      chunks(group, relationsPerStatement).map(
        (chunk) => `REVOKE SELECT ON ${chunk.map(qualified).join(', ')} FROM PUBLIC;`,
      ),
    ),
    ...relations
      .filter((relation) => relation.columns.length > 0)
      .map(
        (relation) =>
          `REVOKE SELECT (${relation.columns.map(quoteIdent).join(', ')}) ON ${qualified(relation)} FROM PUBLIC;`,
      ),
  ].join('\n');
}

function alterKeyword(kind: string | null): string {
  switch (kind) {
    case 'v':
      return 'VIEW';
    case 'm':
      return 'MATERIALIZED VIEW';
    case 'f':
      return 'FOREIGN TABLE';
    default:
      return 'TABLE';
  }
}

function qualified(relation: { schema: string; name: string }): string {
  return `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
}

function names(relations: { schema: string; name: string }[]): string {
  const shown = relations.slice(0, shownRelations).map((relation) => `${relation.schema}.${relation.name}`);
  const more = relations.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
