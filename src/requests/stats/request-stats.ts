import type { PrismaClient } from '../../db/open-database.ts';
import { InvalidInputError } from '../../shared/errors.ts';

export type StatsBucket = 'DAY' | 'HOUR';

/** Requests filed, and decided by how and to what, in one bucket (decisions by when they were made). */
export interface RequestStatsBucket {
  start: Date;
  filed: number;
  autoApproved: number;
  autoDenied: number;
  humanApproved: number;
  humanDenied: number;
  expired: number;
  cancelled: number;
}

/** How long people took to decide (rules decide at once and are left out). */
export interface TimeToDecision {
  decided: number;
  /** Null when nobody decided in the range. */
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface RequestStats {
  buckets: RequestStatsBucket[];
  timeToDecision: TimeToDecision;
}

/** More buckets than a chart can show are refused. */
export const maxStatsBuckets = 400;

const bucketMs: Record<StatsBucket, number> = { DAY: 86_400_000, HOUR: 3_600_000 };

/**
 * Access requests over time, for charts: every bucket (UTC days or hours) from the one holding
 * `from` up to `to` (exclusive), empty ones included. A decision counts in the bucket it was made
 * in; a rule's decision (`decidedBy` = `rule:<id>`) is automatic, any other approval or denial is
 * a person's. Counted by the database (grouped by date_trunc), never row by row here.
 */
export async function requestStats(
  prisma: PrismaClient,
  input: { from: Date; to: Date; bucket: StatsBucket },
): Promise<RequestStats> {
  const { bucket, to } = input;
  const starts = bucketStarts(input);
  const from = starts[0] ?? input.from;
  const unit = bucket === 'DAY' ? 'day' : 'hour';
  const [filed, decided, times] = await Promise.all([
    prisma.$queryRaw<{ start: number; filed: number }[]>`
      SELECT extract(epoch FROM date_trunc(${unit}, "createdAt" AT TIME ZONE 'UTC'))::float8 AS "start",
             count(*)::int AS "filed"
      FROM "AccessRequest"
      WHERE "createdAt" >= ${from.toISOString()}::timestamptz AND "createdAt" < ${to.toISOString()}::timestamptz
      GROUP BY 1`,
    prisma.$queryRaw<(Omit<RequestStatsBucket, 'start' | 'filed'> & { start: number })[]>`
      SELECT extract(epoch FROM date_trunc(${unit}, "decidedAt" AT TIME ZONE 'UTC'))::float8 AS "start",
             count(*) FILTER (WHERE "status" = 'APPROVED' AND "decidedBy" LIKE 'rule:%')::int AS "autoApproved",
             count(*) FILTER (WHERE "status" = 'DENIED' AND "decidedBy" LIKE 'rule:%')::int AS "autoDenied",
             count(*) FILTER (WHERE "status" = 'APPROVED' AND "decidedBy" NOT LIKE 'rule:%')::int AS "humanApproved",
             count(*) FILTER (WHERE "status" = 'DENIED' AND "decidedBy" NOT LIKE 'rule:%')::int AS "humanDenied",
             count(*) FILTER (WHERE "status" = 'EXPIRED')::int AS "expired",
             count(*) FILTER (WHERE "status" = 'CANCELLED')::int AS "cancelled"
      FROM "AccessRequest"
      WHERE "decidedAt" >= ${from.toISOString()}::timestamptz AND "decidedAt" < ${to.toISOString()}::timestamptz
      GROUP BY 1`,
    prisma.$queryRaw<{ decided: number; median: number | null; p90: number | null }[]>`
      SELECT count(*)::int AS "decided",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "decidedAt" - "createdAt"))::float8 AS "median",
             percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM "decidedAt" - "createdAt"))::float8 AS "p90"
      FROM "AccessRequest"
      WHERE "decidedAt" >= ${from.toISOString()}::timestamptz AND "decidedAt" < ${to.toISOString()}::timestamptz
        AND "status" IN ('APPROVED', 'DENIED') AND "decidedBy" NOT LIKE 'rule:%'
        AND "consentAnswer" IS DISTINCT FROM 'NOT_ME'`,
  ]);
  const filedAt = new Map(filed.map((row) => [row.start * 1000, row.filed]));
  const decidedAt = new Map(decided.map(({ start, ...counts }) => [start * 1000, counts]));
  const [time] = times;
  return {
    buckets: starts.map((start) => ({
      start,
      filed: filedAt.get(start.getTime()) ?? 0,
      autoApproved: 0,
      autoDenied: 0,
      humanApproved: 0,
      humanDenied: 0,
      expired: 0,
      cancelled: 0,
      ...decidedAt.get(start.getTime()),
    })),
    timeToDecision: {
      decided: time?.decided ?? 0,
      medianSeconds: time?.median ?? null,
      p90Seconds: time?.p90 ?? null,
    },
  };
}

/** The UTC bucket starts from the one holding `from` to before `to`; a range too long is refused. */
function bucketStarts({ from, to, bucket }: { from: Date; to: Date; bucket: StatsBucket }): Date[] {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from.getTime() > to.getTime()) {
    throw new InvalidInputError('stats', [{ location: 'from', message: 'from must not be after to' }]);
  }
  const size = bucketMs[bucket];
  const first = Math.floor(from.getTime() / size) * size;
  const count = Math.ceil((to.getTime() - first) / size);
  if (count > maxStatsBuckets) {
    throw new InvalidInputError('stats', [
      {
        location: 'to',
        message: `at most ${maxStatsBuckets} ${bucket === 'DAY' ? 'days' : 'hours'} at once (asked for ${count})`,
      },
    ]);
  }
  return Array.from(
    { length: from.getTime() === to.getTime() ? 0 : count },
    (_, i) => new Date(first + i * size),
  );
}
