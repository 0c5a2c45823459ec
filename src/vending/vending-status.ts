/** What one sweep of one source found and did. */
export interface SweepReport {
  source: string;
  at: Date;
  /** Active vended roles after the sweep. */
  active: number;
  expiredEnded: number;
  /** Roles in the database that aperture has no active record of. */
  orphansEnded: number;
  /** Records whose role was gone from the database. */
  missing: number;
  /** Roles left disabled because they could not be dropped. */
  disabled: number;
  shapesDropped: number;
  /** Why the sweep could not reconcile this source (unreachable, a privilege missing). */
  error: string | null;
}

/** The last sweep of each source, as this replica ran it (for health). */
export class VendingStatus {
  private readonly last = new Map<string, SweepReport>();

  record(report: SweepReport): void {
    this.last.set(report.source, report);
  }

  reports(): SweepReport[] {
    return [...this.last.values()].sort((a, b) => a.source.localeCompare(b.source));
  }
}
