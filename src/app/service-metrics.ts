import { readAuditLogLag } from '../audit/log/audit-log-lag.ts';
import type { ChangeFeed } from '../db/change-feed.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { readJobBacklog } from '../jobs/job-backlog.ts';
import { addChangeFeedDelayHistogram } from '../metrics/change-feed-delay.ts';
import { addChangeFeedGauge } from '../metrics/change-feed-gauge.ts';
import { addClockOffsetGauge } from '../metrics/clock-offset-gauge.ts';
import { addDatabaseGauges, type DatabaseReadings } from '../metrics/database-gauges.ts';
import { createMetrics, type Metrics } from '../metrics/metrics.ts';
import type { VendingModule } from '../vending/vending-module.ts';

/**
 * The service's one registry: HTTP, GraphQL and decision counters (recorded by those modules) and
 * gauges read from the database at scrape time. Cache invalidation lag is how late each change
 * notification is heard (stamped with the database's clock when sent), beside whether the feed is
 * heard at all.
 * The clock's offset to the database's is the last measurement of the replica's clock monitor.
 */
export function serviceMetrics(
  prisma: PrismaClient,
  changes: ChangeFeed,
  vending: () => VendingModule | undefined,
  clockOffsetSeconds: () => number | undefined,
): Metrics {
  const metrics = createMetrics();
  addDatabaseGauges(metrics.registry, () => readGauges(prisma, vending()));
  addChangeFeedGauge(metrics.registry, () => changes.reliable);
  changes.onDelivery?.(addChangeFeedDelayHistogram(metrics.registry, clockOffsetSeconds));
  addClockOffsetGauge(metrics.registry, clockOffsetSeconds);
  return metrics;
}

async function readGauges(
  prisma: PrismaClient,
  vending: VendingModule | undefined,
): Promise<DatabaseReadings> {
  const [jobs, audit, vended] = await Promise.all([
    readJobBacklog(prisma),
    readAuditLogLag(prisma),
    vending?.activeCountsBySource() ?? [],
  ]);
  return {
    dueJobs: jobs.due,
    oldestDueJobSeconds: jobs.oldestDueSeconds,
    failedJobs: jobs.failed,
    unsequencedAuditEvents: audit.unsequenced,
    checkpointAgeSeconds: audit.checkpointAgeSeconds,
    activeVendedRoles: vended,
  };
}
