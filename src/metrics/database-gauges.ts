import { Gauge, type Registry } from 'prom-client';
import { metricsPrefix } from './metrics.ts';

/** What the gauges show, read from the database at scrape time. */
export interface DatabaseReadings {
  /** Due jobs not done (nor given up), per kind. */
  dueJobs: { kind: string; count: number }[];
  /** How long the oldest due job has waited past its time, in seconds (0: none waits). */
  oldestDueJobSeconds: number;
  /** Jobs that gave up after their last attempt (kept for inspection). */
  failedJobs: number;
  /** Audit events not yet in the Merkle log (capped by the reader). */
  unsequencedAuditEvents: number;
  /** Age of the newest signed checkpoint in seconds; null: none signed yet (shown as NaN). */
  checkpointAgeSeconds: number | null;
  /** Vended database logins in force, per catalog source. */
  activeVendedRoles: { source: string; count: number }[];
}

/** A scrape waits no longer than this for the database; then the gauges are left out. */
const defaultTimeoutMs = 2_000;

/**
 * Gauges read from the database when scraped: one read per scrape, shared by every gauge and
 * bounded by `timeoutMs`. A read that fails or times out shows these gauges as NaN (or without
 * series) and sets `aperture_metrics_database_up` to 0, so a slow database does not hang the scrape.
 */
export function addDatabaseGauges(
  registry: Registry,
  read: () => Promise<DatabaseReadings>,
  timeoutMs = defaultTimeoutMs,
): void {
  let current: Promise<DatabaseReadings | null> | undefined;
  // A scrape starts every gauge's collect at once: the first starts the read, the rest share it,
  // and the next scrape reads afresh.
  const readings = () => {
    current ??= withTimeout(read(), timeoutMs)
      .catch(() => null)
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const registers = [registry];
  new Gauge({
    name: `${metricsPrefix}metrics_database_up`,
    help: 'Whether the database gauges of this scrape were read in time (1) or not (0).',
    registers,
    async collect() {
      this.set((await readings()) ? 1 : 0);
    },
  });
  gauge(
    registers,
    'jobs_due',
    'Due jobs not yet done, per kind (the job backlog).',
    ['kind'],
    readings,
    (g, r) => {
      for (const { kind, count } of r.dueJobs) g.set({ kind }, count);
    },
  );
  gauge(
    registers,
    'jobs_oldest_due_seconds',
    'How long the oldest due job has waited past its time (job lag).',
    [],
    readings,
    (g, r) => g.set(r.oldestDueJobSeconds),
  );
  gauge(registers, 'jobs_failed', 'Jobs that gave up after their last attempt.', [], readings, (g, r) =>
    g.set(r.failedJobs),
  );
  gauge(
    registers,
    'audit_unsequenced_events',
    'Audit events not yet sequenced into the Merkle log.',
    [],
    readings,
    (g, r) => g.set(r.unsequencedAuditEvents),
  );
  gauge(
    registers,
    'audit_checkpoint_age_seconds',
    'Age of the newest signed audit checkpoint (checkpoint lag).',
    [],
    readings,
    (g, r) => {
      g.set(r.checkpointAgeSeconds ?? Number.NaN);
    },
  );
  gauge(
    registers,
    'vended_roles_active',
    'Vended database logins in force, per catalog source.',
    ['source'],
    readings,
    (g, r) => {
      for (const { source, count } of r.activeVendedRoles) g.set({ source }, count);
    },
  );
}

function gauge<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: L[],
  readings: () => Promise<DatabaseReadings | null>,
  show: (gauge: Gauge<L>, readings: DatabaseReadings) => void,
): Gauge<L> {
  return new Gauge<L>({
    name: `${metricsPrefix}${name}`,
    help,
    labelNames,
    registers,
    async collect() {
      // Series of a kind or source that went away must not linger; a value not read is NaN
      // (unknown), not a reassuring 0.
      this.reset();
      const read = await readings();
      if (read) show(this, read);
      else if (labelNames.length === 0) this.set(Number.NaN);
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database gauges took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
