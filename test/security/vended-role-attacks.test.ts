import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { useVendingWorld, type VendedLogin, vendingPolicies } from '../vending/support/vending-world.ts';

/**
 * Attacks from inside the source database, logged in as a vended role: every way to read more than
 * the slice (hidden tables and columns, raw values behind masks, rows outside the filter, other
 * logins' views) or to become someone else, each refused by PostgreSQL itself.
 */

/** A raw card number of the shop (masks leave the last four digits only). */
const rawCard = /\b4\d{15}\b/;
/** A raw email of the shop (the hash mask hides them all). */
const rawEmail = /customer\d+@mail\.example/;

/**
 * Analysts read customers without `signed_up` (a hidden column), masked and filtered; owners read
 * customers raw (another shape of the same table, whose view an analyst must not reach).
 */
const attackPolicies: PolicyInput[] = [
  ...vendingPolicies,
  {
    id: 'analysts-no-signup-dates',
    description: 'Analysts do not read when customers signed up',
    effect: 'deny',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
    resources: { paths: ['shop.sales.customers.signed_up'] },
  },
  {
    id: 'owners-read-customers',
    description: 'Owners read the customers as they are',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'owners' }] },
    resources: { paths: ['shop.sales.customers', 'shop.sales.customers.*'] },
  },
];

describe('attacks by a vended login inside the source database', () => {
  const vending = useVendingWorld();
  let ana: pg.Client;
  let anaLogin: VendedLogin;
  let bobLogin: VendedLogin;
  let danaLogin: VendedLogin;
  /** Ana's views. */
  let customers: string;
  let orders: string;
  /** Dana's raw customers view (another shape). */
  let rawCustomers: string;
  let capabilityOf: (view: string) => Promise<string>;

  const relationOf = (login: VendedLogin, dataset: string) =>
    login.datasets.find((entry) => entry.dataset === dataset)!.relation;
  const refused = (client: pg.Client, sql: string, error: RegExp = /permission denied/) =>
    expect(client.query(sql)).rejects.toThrow(error);
  const countOf = async (client: pg.Client, sql: string) => Number((await client.query(sql)).rows[0].count);

  beforeAll(async () => {
    const applied = await vending.world.gql(
      await vending.world.humanToken('gina@acme.test'),
      'mutation ($p: JSON!) { applyPolicies(policies: $p) { version } }',
      { p: attackPolicies },
    );
    expect(applied.errors).toBeUndefined();
    // An operator's extended statistics on the masked column: they must not show to a vended role.
    await vending.source.asSuperuser(`
      CREATE STATISTICS sales.customers_card_region (mcv) ON card_number, region FROM sales.customers;
      ANALYZE sales.customers;`);
    anaLogin = await vending.vend(await vending.world.agentToken('ana@acme.test'));
    bobLogin = await vending.vend(await vending.world.agentToken('bob@acme.test', { agent: 'Bob agent' }));
    danaLogin = await vending.vend(
      await vending.world.agentToken('dana@shop.example', { agent: 'Dana agent' }),
    );
    customers = relationOf(anaLogin, 'shop.sales.customers');
    orders = relationOf(anaLogin, 'shop.sales.orders');
    rawCustomers = relationOf(danaLogin, 'shop.sales.customers');
    ana = await vending.connectAs(anaLogin);
    capabilityOf = async (view) => {
      const { rows } = await vending.source.asSuperuser<{ rolname: string }>(
        `SELECT r.rolname FROM pg_roles r
         WHERE starts_with(r.rolname, $1) AND has_table_privilege(r.oid, $2::regclass, 'SELECT')`,
        [`${vending.source.rolePrefix}_c_`, view],
      );
      return rows[0]!.rolname;
    };
  });

  it('the world is what the attacks assume: a hidden column, two shapes of customers, 100 of 300 rows', async () => {
    const anaCustomers = anaLogin.datasets.find((entry) => entry.dataset === 'shop.sales.customers')!;
    expect(anaCustomers.columns).toEqual(['id', 'name', 'email', 'region', 'card_number']);
    expect(rawCustomers).not.toBe(customers);
    expect(await countOf(ana, `SELECT count(*) FROM ${customers}`)).toBe(100);
    const dana = await vending.connectAs(danaLogin);
    const raw = await dana.query(`SELECT card_number, signed_up FROM ${rawCustomers} WHERE id = 3`);
    expect(raw.rows[0].card_number).toMatch(rawCard);
    // The statistics the attacks look for exist (the superuser sees them).
    const stats = await vending.source.asSuperuser(
      "SELECT histogram_bounds::text AS h FROM pg_stats WHERE schemaname = 'sales' AND tablename = 'customers' AND attname = 'card_number'",
    );
    expect(stats.rows[0]?.h).toMatch(rawCard);
  });

  describe('hidden tables and columns', () => {
    it('reads a table no policy shows (hr.salaries)', async () => {
      await refused(ana, 'SELECT * FROM hr.salaries');
      await refused(ana, 'SELECT count(*) FROM hr.salaries');
    });

    it('reads the sales base tables by name', async () => {
      for (const table of ['sales.customers', 'sales.orders', 'sales.regions']) {
        await refused(ana, `SELECT * FROM ${table} LIMIT 1`);
      }
    });

    it('reads the base tables through the schema search path', async () => {
      try {
        await ana.query('SET search_path = sales, hr, aperture, public');
        await refused(ana, 'SELECT * FROM customers LIMIT 1', /does not exist|permission denied/);
        await refused(ana, 'SELECT * FROM salaries LIMIT 1', /does not exist|permission denied/);
      } finally {
        await ana.query('RESET search_path');
      }
    });

    it('reads a column its view leaves out (signed_up)', async () => {
      await refused(ana, `SELECT signed_up FROM ${customers}`, /column "signed_up" does not exist/);
      await refused(ana, 'SELECT signed_up FROM sales.customers');
      const star = await ana.query(`SELECT * FROM ${customers} LIMIT 1`);
      expect(Object.keys(star.rows[0])).not.toContain('signed_up');
    });
  });

  describe('masked columns read raw', () => {
    it('from the base table', async () => {
      await refused(ana, 'SELECT card_number FROM sales.customers');
      await refused(ana, 'SELECT email FROM sales.customers WHERE id = 3');
    });

    it("from another shape's view of the same table (an owner's raw view)", async () => {
      await refused(ana, `SELECT card_number FROM ${rawCustomers}`);
    });

    it('from pg_stats and pg_stats_ext (most common values, histograms)', async () => {
      const stats = await ana.query(
        "SELECT * FROM pg_stats WHERE schemaname IN ('sales', 'hr') OR tablename = 'customers'",
      );
      expect(stats.rows).toEqual([]);
      const ext = await ana.query("SELECT * FROM pg_stats_ext WHERE schemaname = 'sales'");
      expect(ext.rows).toEqual([]);
      const exprs = await ana.query("SELECT * FROM pg_stats_ext_exprs WHERE schemaname = 'sales'");
      expect(exprs.rows).toEqual([]);
      // Views have no statistics of their own; nothing anywhere shows a raw value.
      const everything = await ana.query("SELECT string_agg(s::text, E'\\n') AS all FROM pg_stats s");
      expect(everything.rows[0].all ?? '').not.toMatch(rawCard);
      expect(everything.rows[0].all ?? '').not.toMatch(rawEmail);
      await refused(ana, 'SELECT * FROM pg_statistic');
      await refused(ana, 'SELECT * FROM pg_statistic_ext_data');
    });

    it('from EXPLAIN (ANALYZE, VERBOSE) output', async () => {
      const explained = await ana.query(
        `EXPLAIN (ANALYZE, VERBOSE, COSTS, BUFFERS) SELECT * FROM ${customers} WHERE card_number LIKE '%1234'`,
      );
      const text = explained.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).not.toMatch(rawCard);
      expect(text).not.toMatch(rawEmail);
      expect(text).not.toMatch(/[0-9a-f]{64}/);
    });

    it('from error messages (casting the masked value, a check that raises on it)', async () => {
      const cast = await ana.query(`SELECT card_number::bigint FROM ${customers} ORDER BY id LIMIT 1`).then(
        () => '',
        (error: Error) => error.message,
      );
      expect(cast).toMatch(/invalid input syntax for type bigint: "\*{12}\d{4}"/);
      expect(cast).not.toMatch(rawCard);
      const email = await ana.query(`SELECT email::int FROM ${customers} ORDER BY id LIMIT 1`).then(
        () => '',
        (error: Error) => error.message,
      );
      expect(email).toMatch(/invalid input syntax|out of range/);
      expect(email).not.toMatch(rawEmail);
    });
  });

  describe('rows outside the filter', () => {
    it('asked for by region', async () => {
      expect(await countOf(ana, `SELECT count(*) FROM ${customers} WHERE region = 'amer'`)).toBe(0);
      expect(await countOf(ana, `SELECT count(*) FROM ${orders} WHERE region <> 'emea'`)).toBe(0);
      expect(await countOf(ana, `SELECT count(*) FROM ${customers} WHERE id = 1`)).toBe(0);
    });

    it('reached through a join', async () => {
      const joined = await ana.query(
        `SELECT DISTINCT o.region AS order_region, c.region AS customer_region
         FROM ${orders} o FULL JOIN ${customers} c ON c.id = o.customer_id`,
      );
      expect(joined.rows).toEqual([{ order_region: 'emea', customer_region: 'emea' }]);
      const regions = relationOf(anaLogin, 'shop.sales.regions');
      const byRegion = await ana.query(
        `SELECT r.code, count(c.id)::int AS n FROM ${regions} r LEFT JOIN ${customers} c ON c.region = r.code
         GROUP BY r.code ORDER BY r.code`,
      );
      expect(byRegion.rows).toEqual([
        { code: 'amer', n: 0 },
        { code: 'apac', n: 0 },
        { code: 'emea', n: 100 },
      ]);
    });

    it('counted by aggregates', async () => {
      const agg = await ana.query(
        `SELECT count(*)::int AS n, min(id)::int AS lo, max(id)::int AS hi, count(DISTINCT region)::int AS regions
         FROM ${customers}`,
      );
      expect(agg.rows).toEqual([{ n: 100, lo: 3, hi: 300, regions: 1 }]);
      const grouped = await ana.query(
        `SELECT region, count(*)::int AS n FROM ${orders} GROUP BY ROLLUP (region)`,
      );
      expect(grouped.rows).toEqual(
        expect.arrayContaining([
          { region: 'emea', n: 1000 },
          { region: null, n: 1000 },
        ]),
      );
      expect(grouped.rows).toHaveLength(2);
    });

    it('estimated by EXPLAIN: row estimates are statistics, the plan shows no values', async () => {
      const explained = await ana.query(`EXPLAIN VERBOSE SELECT * FROM ${customers} WHERE region = 'amer'`);
      const text = explained.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).not.toMatch(rawCard);
      expect(text).not.toMatch(rawEmail);
      expect(text).not.toMatch(/Customer \d+/);
      const analyzed = await ana.query(
        `EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM ${orders} WHERE region = 'amer'`,
      );
      const plan = analyzed.rows.map((row) => row['QUERY PLAN']).join('\n');
      // What actually came out: nothing.
      expect(plan.split('\n')[0]).toMatch(/actual time=\S+ rows=0 loops=1/);
    });
  });

  describe("other logins' views", () => {
    it("reads another vended login's view (Bob reads Ana's customers)", async () => {
      const bob = await vending.connectAs(bobLogin);
      await refused(bob, `SELECT * FROM ${customers} LIMIT 1`);
      await refused(bob, `SELECT * FROM ${orders} LIMIT 1`);
    });

    it('becomes a capability role it is not a member of', async () => {
      const raw = await capabilityOf(rawCustomers);
      await refused(ana, `SET ROLE ${raw}`);
      await refused(ana, `SELECT set_config('role', '${raw}', false)`);
    });
  });

  describe('leaky functions and operators in WHERE', () => {
    it('creates its own function (plpgsql or SQL) in any schema', async () => {
      const body =
        "RETURNS boolean LANGUAGE plpgsql COST 0.0001 AS $$ BEGIN RAISE NOTICE '%', x; RETURN true; END $$";
      for (const schema of ['public', 'aperture', 'pg_temp', 'sales']) {
        await refused(ana, `CREATE FUNCTION ${schema}.leak(x text) ${body}`);
      }
      await refused(
        ana,
        'CREATE FUNCTION leak(x text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$',
        /permission denied|no schema has been selected/,
      );
    });

    it('raises on a masked value with a built-in non-LEAKPROOF function: the raw value never decides', async () => {
      // Every raw card starts with 4; the masked ones start with *.
      expect(
        await countOf(
          ana,
          `SELECT count(*) FROM ${customers} WHERE CASE WHEN card_number LIKE '4%' THEN 1/(id - id) ELSE 0 END = 0`,
        ),
      ).toBe(100);
      expect(
        await countOf(
          ana,
          `SELECT count(*) FROM ${customers} WHERE CASE WHEN email LIKE 'customer%' THEN 1/(id - id) ELSE 0 END = 0`,
        ),
      ).toBe(100);
    });

    it('raises on a hidden row: the view and its row filter are evaluated first', async () => {
      expect(
        await countOf(
          ana,
          `SELECT count(*) FROM ${customers} WHERE CASE WHEN region = 'amer' THEN 1/(id - id) ELSE 0 END = 0`,
        ),
      ).toBe(100);
      expect(await countOf(ana, `SELECT count(*) FROM ${customers} WHERE id = 1 AND 1/(id - id) = 0`)).toBe(
        0,
      );
      expect(
        await countOf(ana, `SELECT count(*) FROM ${customers} WHERE region = 'amer' AND 1/(id - id) = 0`),
      ).toBe(0);
      expect(
        await countOf(
          ana,
          `SELECT count(*) FROM ${orders} WHERE 1/(CASE WHEN region = 'amer' THEN 0 ELSE 1 END) = 1`,
        ),
      ).toBe(1000);
      // The probe itself works: on rows Ana sees, it raises.
      await refused(
        ana,
        `SELECT count(*) FROM ${customers} WHERE region = 'emea' AND 1/(id - id) = 0`,
        /division by zero/,
      );
    });
  });

  describe('COPY', () => {
    it('copies a base table to the client', async () => {
      await refused(ana, 'COPY (SELECT * FROM sales.customers) TO STDOUT');
      await refused(ana, 'COPY sales.customers TO STDOUT');
      await refused(ana, 'COPY hr.salaries TO STDOUT');
    });

    it('writes its view to a server file', async () => {
      await refused(
        ana,
        `COPY (SELECT * FROM ${customers}) TO '/tmp/aperture-attack.csv'`,
        /permission denied|must be superuser|pg_write_server_files/,
      );
      await refused(
        ana,
        "COPY sales.customers FROM '/etc/passwd'",
        /permission denied|must be superuser|pg_read_server_files/,
      );
      await refused(ana, "SELECT pg_read_file('/etc/passwd')");
      await refused(ana, "SELECT lo_import('/etc/passwd')", /permission denied|must be superuser/);
    });
  });

  describe('becoming someone else', () => {
    it('SET ROLE to the reader, the admin, the owner, another vended login', async () => {
      const { rolePrefix, adminRole } = vending.source;
      for (const role of [
        `${rolePrefix}_reader`,
        adminRole,
        adminRole.replace(/_admin$/, '_owner'),
        bobLogin.username,
        'postgres',
      ]) {
        await refused(ana, `SET ROLE ${role}`);
      }
    });

    it('SET SESSION AUTHORIZATION, set_config(role), as the admin or another login', async () => {
      await refused(ana, `SET SESSION AUTHORIZATION ${vending.source.adminRole}`);
      await refused(ana, `SET SESSION AUTHORIZATION ${bobLogin.username}`);
      await refused(ana, `SELECT set_config('role', '${vending.source.rolePrefix}_reader', false)`);
      await refused(ana, `SELECT set_config('session_authorization', '${bobLogin.username}', false)`);
    });

    it('SET ROLE to a capability role it holds: no more than before (filters key on session_user)', async () => {
      const own = await capabilityOf(customers);
      try {
        await ana.query(`SET ROLE ${own}`);
        const who = await ana.query('SELECT current_user, session_user');
        expect(who.rows[0]).toEqual({ current_user: own, session_user: anaLogin.username });
        // A capability role alone has not even USAGE on the managed schema (the marker holds it).
        await refused(
          ana,
          `SELECT DISTINCT region FROM ${customers}`,
          /permission denied for schema aperture/,
        );
        await refused(ana, `SELECT count(*) FROM ${orders}`);
        await refused(ana, 'SELECT * FROM sales.customers');
        await ana.query('RESET ROLE');
        await ana.query(`SET ROLE ${vending.source.rolePrefix}_vended`);
        await refused(ana, `SELECT count(*) FROM ${customers}`);
      } finally {
        await ana.query('RESET ROLE');
      }
      const back = await ana.query('SELECT current_user');
      expect(back.rows[0].current_user).toBe(anaLogin.username);
      expect(await countOf(ana, `SELECT count(*) FROM ${customers}`)).toBe(100);
    });

    it('set_config of aperture.* settings changes nothing', async () => {
      for (const [name, value] of [
        ['aperture.region', 'amer'],
        ['aperture.role', bobLogin.username],
        ['aperture.human', 'dana@shop.example'],
        ['app.region', 'amer'],
      ] as const) {
        await ana.query('SELECT set_config($1, $2, false)', [name, value]);
      }
      expect(await countOf(ana, `SELECT count(*) FROM ${customers}`)).toBe(100);
      expect(await countOf(ana, `SELECT count(*) FROM ${customers} WHERE region = 'amer'`)).toBe(0);
      const masked = await ana.query(`SELECT card_number FROM ${customers} LIMIT 1`);
      expect(masked.rows[0].card_number).toMatch(/^\*{12}\d{4}$/);
    });
  });

  describe("aperture's mapping tables", () => {
    const tables = ['vended_roles', 'vended_attributes', 'settings', 'row_security_tables', 'locks'];

    it('reads them (who is who, the attributes, the hash salt, the locks)', async () => {
      for (const table of tables) await refused(ana, `SELECT * FROM aperture.${table}`);
      await refused(ana, 'SELECT hash_salt FROM aperture.settings');
    });

    it('inserts, updates or deletes rows in them', async () => {
      const me = anaLogin.username;
      await refused(ana, `INSERT INTO aperture.vended_attributes VALUES ('${me}', 'region', 'amer')`);
      await refused(ana, `UPDATE aperture.vended_attributes SET value = 'amer' WHERE role_name = '${me}'`);
      await refused(ana, `DELETE FROM aperture.vended_attributes WHERE role_name = '${me}'`);
      await refused(
        ana,
        `UPDATE aperture.vended_roles SET expires_at = 'infinity' WHERE role_name = '${me}'`,
      );
      await refused(ana, "INSERT INTO aperture.locks VALUES ('follow-hijack')");
      await refused(ana, 'TRUNCATE aperture.locks');
      await refused(ana, "UPDATE aperture.settings SET hash_salt = ''");
      expect(await countOf(ana, `SELECT count(*) FROM ${customers}`)).toBe(100);
    });
  });

  describe('creating objects and changing itself', () => {
    it('creates tables, temporary tables, views, schemas', async () => {
      await refused(ana, 'CREATE TABLE public.loot (x text)');
      await refused(ana, 'CREATE TABLE aperture.loot (x text)');
      await refused(ana, 'CREATE TEMP TABLE loot (x text)');
      await refused(ana, `CREATE TEMP VIEW loot AS SELECT * FROM ${customers}`);
      await refused(ana, `CREATE VIEW public.loot AS SELECT * FROM ${customers}`);
      await refused(ana, `CREATE VIEW aperture.loot AS SELECT * FROM ${customers}`);
      await refused(ana, 'CREATE SCHEMA loot');
      await refused(ana, `CREATE MATERIALIZED VIEW public.loot AS SELECT * FROM ${customers}`);
      const owned = await vending.source.asSuperuser(
        'SELECT count(*)::int AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)',
        [anaLogin.username],
      );
      expect(owned.rows[0]?.n).toBe(0);
    });

    it('ALTER ROLE itself: VALID UNTIL, limits, rights, name', async () => {
      const me = anaLogin.username;
      for (const change of [
        "VALID UNTIL 'infinity'",
        'CONNECTION LIMIT -1',
        'BYPASSRLS',
        'SUPERUSER',
        'CREATEROLE',
        'CREATEDB',
        'REPLICATION',
      ]) {
        await refused(ana, `ALTER ROLE ${me} ${change}`, /permission denied|must be superuser/);
      }
      await refused(
        ana,
        `ALTER ROLE ${me} RENAME TO ${me}_renamed`,
        /permission denied|session user cannot be renamed/,
      );
    });

    it('ALTER ROLE itself PASSWORD: PostgreSQL lets any role do it, but the login still ends when aperture says', async () => {
      // A role may always change its own password; it widens nothing: the expiry, the memberships
      // and the ending are aperture's, and the password was only ever the agent's.
      const me = anaLogin.username;
      const before = await vending.source.asSuperuser(
        'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1',
        [me],
      );
      try {
        await ana.query(`ALTER ROLE ${me} PASSWORD 'chosen-by-the-agent'`);
        const after = await vending.source.asSuperuser(
          'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1',
          [me],
        );
        expect(after.rows).toEqual(before.rows);
        expect(after.rows[0]?.rolvaliduntil).not.toBeNull();
      } finally {
        await ana.query(`ALTER ROLE ${me} PASSWORD '${anaLogin.password}'`);
      }
    });

    it('GRANTs its capability role or its views on to another role', async () => {
      const own = await capabilityOf(customers);
      await refused(ana, `GRANT ${own} TO ${bobLogin.username}`, /must have admin option|permission denied/);
      await refused(ana, `GRANT ${own} TO PUBLIC`, /permission denied|must have admin option|role "public"/);
      await refused(
        ana,
        `GRANT ${vending.source.rolePrefix}_vended TO ${bobLogin.username}`,
        /must have admin option|permission denied/,
      );
      // PostgreSQL answers a GRANT without grant option with a warning ("no privileges were
      // granted"), not an error: what matters is that nothing was granted.
      await ana.query(`GRANT SELECT ON ${customers} TO ${bobLogin.username}`).catch(() => {});
      await ana.query(`GRANT SELECT ON ${customers} TO PUBLIC`).catch(() => {});
      const granted = await vending.source.asSuperuser(
        'SELECT relacl::text AS acl FROM pg_class WHERE oid = $1::regclass',
        [customers],
      );
      expect(granted.rows[0]?.acl).not.toContain(bobLogin.username);
      expect(granted.rows[0]?.acl).not.toMatch(/(^|[{,])=r/);
      const bob = await vending.connectAs(bobLogin);
      await refused(bob, `SELECT count(*) FROM ${customers}`);
    });
  });

  // PUBLIC keeps CONNECT on every database of a cluster by default: `aperture sources check` warns
  // (other-databases) and prints the REVOKE CONNECT; once an operator ran it (or confined the vended
  // roles in pg_hba.conf), a vended login cannot log in to aperture's own database.
  it('logs in to another database of the cluster (aperture’s own), once the operator followed the check', async () => {
    const apertureDatabase = new URL(vending.db.url).pathname.slice(1);
    await vending.source.asSuperuser(`REVOKE CONNECT ON DATABASE "${apertureDatabase}" FROM PUBLIC`);
    const other = new pg.Client({
      host: anaLogin.host,
      port: anaLogin.port,
      database: apertureDatabase,
      user: anaLogin.username,
      password: anaLogin.password,
    });
    other.on('error', () => {});
    try {
      await expect(other.connect()).rejects.toThrow(/permission denied|not permitted|pg_hba/);
    } finally {
      await other.end().catch(() => {});
    }
  });
});
