import type { VendingDeps } from '../vending-deps.ts';
import type { SweepReport } from '../vending-status.ts';
import { endLogin } from './end-login.ts';
import { recheckLogin } from './recheck-login.ts';

/**
 * Reconciles one source with aperture's records, holding its follow lock: ends expired logins and
 * orphans (roles of the marker aperture has no record of), marks records whose role vanished,
 * retries dropping disabled ones, rechecks the rest, and drops shapes nothing uses.
 */
export async function sweepSource(deps: VendingDeps, source: string): Promise<SweepReport> {
  const report: SweepReport = {
    source,
    at: new Date(),
    active: 0,
    expiredEnded: 0,
    orphansEnded: 0,
    missing: 0,
    disabled: 0,
    shapesDropped: 0,
    error: null,
  };
  const database = deps.databases.get(source);
  if (!database) return { ...report, error: 'not registered' };
  try {
    await database.exclusively(async () => {
      const records = await deps.prisma.vendedRole.findMany({
        where: { source, status: { in: ['ACTIVE', 'DISABLED'] } },
      });
      const existing = await database.existingRoles(records.map((record) => record.roleName));
      for (const record of records) {
        if (!existing.has(record.roleName)) {
          report.missing += 1;
          await deps.prisma.vendedRole.updateMany({
            where: { id: record.id, status: { in: ['ACTIVE', 'DISABLED'] } },
            data: {
              status: 'ENDED',
              endedAt: new Date(),
              endReason: record.endReason ?? 'role missing in the database',
            },
          });
        } else if (record.status === 'DISABLED') {
          const outcome = await database.endRole(record.roleName);
          if (outcome.ended === 'dropped') {
            await deps.prisma.vendedRole.update({
              where: { id: record.id },
              data: { status: 'ENDED', endedAt: new Date() },
            });
          } else report.disabled += 1;
        } else if (record.expiresAt <= new Date()) {
          report.expiredEnded += 1;
          await endLogin(deps, record, 'expired');
        } else {
          await recheckLogin(deps, record);
        }
      }
      // Read after the records: a login vended meanwhile is recent, and not listed.
      const settled = await database.settledVendedRoles();
      const known = new Set(
        (
          await deps.prisma.vendedRole.findMany({
            where: { source, status: { in: ['ACTIVE', 'DISABLED'] } },
            select: { roleName: true },
          })
        ).map((record) => record.roleName),
      );
      for (const roleName of settled) {
        if (known.has(roleName)) continue;
        const outcome = await database.endRole(roleName);
        report.orphansEnded += 1;
        if (outcome.ended === 'disabled') report.disabled += 1;
      }
      report.active = await deps.prisma.vendedRole.count({ where: { source, status: 'ACTIVE' } });
      report.shapesDropped = await database.dropUnusedShapes();
    });
  } catch (error) {
    report.error = (error as Error).message;
    deps.logger.warn({ source, err: error }, 'the vending sweep could not reconcile a source');
  }
  return report;
}
