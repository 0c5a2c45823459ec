import { describe, expect, it, vi } from 'vitest';
import { scheduleJobs } from '../../src/jobs/job-queue.ts';
import { vendingJobKind } from '../../src/vending/vending-module.ts';
import { useVendingWorld } from './support/vending-world.ts';

const within = { timeout: 10_000, interval: 100 };

describe('the vending sweep', () => {
  // The sweeps here are the ones each test asks for: the service's own (every minute by default)
  // would do the work of a test's sweep whenever the set-up spans a minute, and leave it nothing.
  const vending = useVendingWorld({ env: { APERTURE_VENDING_SWEEP_SECONDS: '86400' } });

  const runSweep = async () => {
    await scheduleJobs(vending.db.prisma, [
      { kind: vendingJobKind.sweep, key: `test-sweep:${Date.now()}`, payload: {}, runAt: new Date() },
    ]);
  };
  const lastSweep = async () => {
    const health = await vending.world.gql<{
      health: { vendingSweeps: Record<string, unknown>[] | null };
    }>(
      await vending.world.humanToken('gina@acme.test'),
      '{ health { vendingSweeps { source at active expiredEnded orphansEnded missing disabled shapesDropped error } } }',
    );
    return health.data?.health.vendingSweeps?.[0] ?? null;
  };
  const roleExists = async (name: string) =>
    (await vending.source.asSuperuser('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;

  it('is scheduled when the service starts', async () => {
    const jobs = await vending.db.prisma.job.count({ where: { kind: vendingJobKind.sweep } });
    expect(jobs).toBeGreaterThanOrEqual(1);
  });

  it('ends expired and orphaned logins, marks vanished ones, keeps what cannot be dropped disabled, drops unused shapes', async () => {
    const token = await vending.world.agentToken('ana@acme.test');
    const expired = await vending.vend(token);
    const vanished = await vending.vend(token);
    const stuck = await vending.vend(token);
    const prefix = vending.source.rolePrefix;
    const orphan = `${prefix}_v_orphanfromacrash`;
    await vending.source.asSuperuser(`CREATE ROLE ${orphan} LOGIN IN ROLE ${prefix}_vended`);
    await vending.db.prisma.vendedRole.updateMany({
      where: { roleName: expired.username },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await vending.source.asSuperuser(`DROP ROLE ${vanished.username}`);
    // A login that came to own something (an operator's mistake) cannot be dropped.
    await vending.source.asSuperuser(
      `CREATE TABLE public.leftover (id int); ALTER TABLE public.leftover OWNER TO ${stuck.username}`,
    );
    const released = await vending.world.gql(
      token,
      'mutation ($u: String!) { releaseDatabaseCredential(username: $u) }',
      {
        u: stuck.username,
      },
    );
    expect(released.errors).toBeUndefined();
    expect(
      await vending.db.prisma.vendedRole.findFirst({ where: { roleName: stuck.username } }),
    ).toMatchObject({
      status: 'DISABLED',
    });
    const disabled = await vending.source.asSuperuser<{ rolcanlogin: boolean; memberships: string[] }>(
      `SELECT r.rolcanlogin, ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        WHERE m.member = r.oid ORDER BY 1) AS memberships FROM pg_roles r WHERE r.rolname = $1`,
      [stuck.username],
    );
    expect(disabled.rows).toEqual([{ rolcanlogin: false, memberships: [`${prefix}_vended`] }]);

    const asked = Date.now();
    await runSweep();
    const report = await vi.waitFor(async () => {
      const sweep = await lastSweep();
      expect(sweep).not.toBeNull();
      expect(Date.parse(String(sweep!.at))).toBeGreaterThanOrEqual(asked - 1000);
      return sweep!;
    }, within);
    expect(report).toMatchObject({
      source: 'shop',
      active: 0,
      expiredEnded: 1,
      orphansEnded: 1,
      missing: 1,
      disabled: 1,
      error: null,
    });
    expect(report.shapesDropped).toBeGreaterThan(0);
    expect(await roleExists(expired.username)).toBe(false);
    expect(await roleExists(orphan)).toBe(false);
    expect(await roleExists(stuck.username)).toBe(true);
    const views = await vending.source.asSuperuser(
      `SELECT count(*)::int AS views FROM pg_views WHERE schemaname = 'aperture'`,
    );
    expect(views.rows[0]).toEqual({ views: 0 });
    // The row filters' roles and their policies go with the last view they owned, and the row
    // security aperture turned on goes with its last policy on the table.
    const filters = await vending.source.asSuperuser(
      `SELECT (SELECT count(*)::int FROM pg_roles WHERE starts_with(rolname, '${prefix}_f_')) AS roles,
              (SELECT count(*)::int FROM pg_policy WHERE polrelid = 'sales.customers'::regclass) AS policies,
              (SELECT relrowsecurity FROM pg_class WHERE oid = 'sales.customers'::regclass) AS "rowSecurity"`,
    );
    expect(filters.rows).toEqual([{ roles: 0, policies: 0, rowSecurity: false }]);
    const records = await vending.db.prisma.vendedRole.findMany({
      select: { roleName: true, status: true, endReason: true },
    });
    expect(records).toEqual(
      expect.arrayContaining([
        { roleName: expired.username, status: 'ENDED', endReason: 'expired' },
        { roleName: vanished.username, status: 'ENDED', endReason: 'role missing in the database' },
        { roleName: stuck.username, status: 'DISABLED', endReason: 'released by the agent' },
      ]),
    );

    // Once what it owned is gone, the next sweep drops it.
    await vending.source.asSuperuser('DROP TABLE public.leftover');
    await runSweep();
    await vi.waitFor(async () => expect(await roleExists(stuck.username)).toBe(false), within);
    const swept = await vending.db.prisma.auditEvent.findFirst({ where: { type: 'database.roles.swept' } });
    expect(swept?.payload).toMatchObject({ source: 'shop', orphansEnded: 1 });
  });

  it('ends a dozen logins whose timers fire together (they share one follow lock)', async () => {
    const token = await vending.world.agentToken('ana@acme.test', { agent: 'Busy agent' });
    const logins = await Promise.all(Array.from({ length: 12 }, () => vending.vend(token)));
    const records = await vending.db.prisma.vendedRole.findMany({
      where: { roleName: { in: logins.map((login) => login.username) } },
    });
    await vending.db.prisma.vendedRole.updateMany({
      where: { id: { in: records.map((record) => record.id) } },
      data: { expiresAt: new Date() },
    });
    await scheduleJobs(
      vending.db.prisma,
      records.map((record) => ({
        kind: vendingJobKind.expire,
        key: `test-expire:${record.id}`,
        payload: { id: record.id },
        runAt: new Date(),
      })),
    );
    await vi.waitFor(
      async () => {
        const ended = await vending.db.prisma.vendedRole.count({
          where: { id: { in: records.map((record) => record.id) }, status: 'ENDED' },
        });
        expect(ended).toBe(12);
      },
      { timeout: 20_000, interval: 200 },
    );
  });
});
