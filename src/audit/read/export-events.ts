import type { Prisma } from '../../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { toAuditEventRecord } from './audit-event-record.ts';
import type { ExportBound, ExportRange } from './export-range.ts';
import { type AuditExportRow, toExportRow } from './export-row.ts';

const defaultBatchSize = 1_000;

function boundCondition(bound: ExportBound, side: 'since' | 'until'): Prisma.AuditEventWhereInput {
  if (bound.kind === 'index')
    return { logIndex: side === 'since' ? { gte: bound.index } : { lt: bound.index } };
  return { occurredAt: side === 'since' ? { gte: bound.time } : { lt: bound.time } };
}

/**
 * The sequenced events in the range, oldest first (log order), in batches: memory holds one
 * batch, never the log. Events not yet sequenced are left out: they have no index yet, and an
 * export resumed with `--since <last index + 1>` picks them up once they have one.
 */
export async function* exportBatches(
  prisma: PrismaClient,
  range: ExportRange,
  batchSize = defaultBatchSize,
): AsyncGenerator<AuditExportRow[]> {
  const fixed = [
    boundCondition(range.since, 'since'),
    ...(range.until ? [boundCondition(range.until, 'until')] : []),
  ];
  let after: bigint | undefined;
  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: { AND: [...fixed, { logIndex: after === undefined ? { not: null } : { gt: after } }] },
      orderBy: { logIndex: 'asc' },
      take: batchSize,
    });
    const batch: AuditExportRow[] = [];
    for (const row of rows) {
      // The sequencer sets both in one update; a row with one and not the other is not exported half-done.
      if (row.logIndex === null || row.leafHash === null) continue;
      batch.push(toExportRow({ ...toAuditEventRecord(row), index: row.logIndex, leafHash: row.leafHash }));
    }
    if (batch.length > 0) yield batch;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.logIndex!;
  }
}
