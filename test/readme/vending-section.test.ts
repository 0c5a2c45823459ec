import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worldAround } from '../support/requests-fixture.ts';
import { runCli } from '../support/spawn-cli.ts';
import {
  adminUrl,
  createEmptyPostgresDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { startTestService } from '../support/test-service.ts';
import { loadVendingCompany, shopSchemaSql, shopSource } from '../vending/support/vending-world.ts';
import { sectionBlocks } from './readme-blocks.ts';
import { runShellBlock } from './run-shell.ts';

const section = 'Querying the data: vended database roles';

/**
 * The README's vending section, followed word for word on a database of the shop: its admin-role
 * SQL, its shell lines, the check's output it shows, its GraphQL, and its query through the view.
 * The only changes are where the README names places a test cannot be: the database is called
 * `shop` there and `db.internal` is the database host.
 */
describe(`the README section "${section}", word for word`, () => {
  const [setupSql, hbaLines, shell, checkOutput, vendGraphql, querySql] = sectionBlocks(section);
  let source: { url: string; name: string; drop(): Promise<void> };
  let db: TestDatabase;
  let idp: TestIdentityProvider;
  const superuser = async (sql: string, url = source.url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const dropRoles = () =>
    superuser(
      `DO $$ DECLARE r text; BEGIN
         FOR r IN SELECT rolname FROM pg_roles WHERE starts_with(rolname, 'aperture_shop_')
                  OR rolname IN ('aperture_admin', 'shop_owner') ORDER BY rolname = 'aperture_admin', rolname LOOP
           EXECUTE format('DROP ROLE %I', r);
         END LOOP; END $$`,
      adminUrl,
    );
  const inSource = (text: string) =>
    text
      .replaceAll('db.internal:5432/shop', `127.0.0.1:5432/${source.name}`)
      .replaceAll('db.internal', '127.0.0.1');

  beforeAll(async () => {
    source = await createEmptyPostgresDatabase('aperture_readme_shop');
    await dropRoles();
    await superuser(`CREATE ROLE shop_owner NOLOGIN; ${shopSchemaSql}
      ALTER SCHEMA sales OWNER TO shop_owner;
      ALTER TABLE sales.customers OWNER TO shop_owner;
      ALTER TABLE sales.orders OWNER TO shop_owner;
      ALTER TABLE sales.regions OWNER TO shop_owner;`);
    db = await createTestDatabase();
    await loadVendingCompany(db, source);
    idp = await TestIdentityProvider.create();
  });
  afterAll(async () => {
    await idp?.close();
    await db?.dispose();
    await source?.drop();
    await dropRoles();
  });

  it('sets up the admin role, registers and checks the source, vends a login, and queries through it', async () => {
    expect(
      [setupSql, hbaLines, shell, checkOutput, vendGraphql, querySql].map((block) => block?.language),
    ).toEqual(['sql', 'text', 'sh', 'text', 'graphql', 'sql']);
    await superuser(setupSql!.code.replaceAll('DATABASE shop', `DATABASE "${source.name}"`));
    // pg_hba.conf cannot change here: its lines name the marker role every vended login joins.
    expect(hbaLines!.code).toContain('+aperture_shop_vended');

    // The shell lines: the export and the list, then the check (which exits 1 while anything is missing).
    const lines = inSource(shell!.code).split('\n');
    const check = lines.pop()!;
    expect(check).toBe('npx aperture sources check shop');
    const { env } = await runShellBlock(lines.join('\n'), { ...process.env, DATABASE_URL: db.url } as Record<
      string,
      string
    >);
    const checked = await runCli(['sources', 'check', 'shop'], { ...env, LOG_LEVEL: 'warn' });
    expect(checked.exitCode).toBe(1);
    const printed = checked.stdout.split('\n');
    let from = 0;
    for (const line of inSource(checkOutput!.code).split('\n')) {
      if (line === '...') continue;
      const at = printed.indexOf(line, from);
      expect(at, `README line "${line}" in:\n${checked.stdout}`).toBeGreaterThanOrEqual(from);
      from = at + 1;
    }
    expect(checked.stdout + checked.stderr).not.toContain('choose-a-long-secret');

    const service = await startTestService(db, {
      providers: [await idp.serveJwks()],
      env: { APERTURE_SOURCE_CONNECTIONS: env.APERTURE_SOURCE_CONNECTIONS! },
    });
    try {
      const world = await worldAround(service, idp);
      const vended = await world.gql<{
        vendDatabaseCredential: {
          host: string;
          port: number;
          database: string;
          username: string;
          password: string;
          limitedBy: string;
          datasets: { dataset: string; relation: string }[];
        };
      }>(await world.agentToken('ana@acme.test'), vendGraphql!.code);
      expect(vended.errors).toBeUndefined();
      const login = vended.data!.vendDatabaseCredential;
      expect(login).toMatchObject({ host: 'db.example.com', port: 5432, database: source.name });
      expect(login.username).toMatch(/^aperture_shop_v_/);
      const member = await superuser(
        `SELECT pg_has_role('${login.username}', 'aperture_shop_vended', 'MEMBER') AS member`,
      );
      expect(member.rows).toEqual([{ member: true }]);
      const orders = login.datasets.find((dataset) => dataset.dataset === `${shopSource}.sales.orders`)!;
      const query = querySql!.code.replace(/aperture\."sales__orders_[0-9a-f]{8}"/, orders.relation);
      expect(query).not.toBe(querySql!.code);
      const client = new pg.Client({
        host: '127.0.0.1',
        port: login.port,
        database: login.database,
        user: login.username,
        password: login.password,
      });
      await client.connect();
      try {
        const { rows } = await client.query(query);
        expect(rows.map((row) => row.region)).toEqual(['emea']);
      } finally {
        await client.end();
      }
      const mapped = await superuser(
        `SELECT human_email, intent FROM aperture.vended_roles WHERE role_name = '${login.username}'`,
      );
      expect(mapped.rows).toEqual([{ human_email: 'ana@acme.test', intent: 'analytics' }]);
    } finally {
      await service.stop();
    }
  });
});
