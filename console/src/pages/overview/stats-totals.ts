export interface StatsBucket {
  start: string;
  filed: number;
  autoApproved: number;
  autoDenied: number;
  humanApproved: number;
  humanDenied: number;
  expired: number;
  cancelled: number;
}

export type StatsTotals = Omit<StatsBucket, 'start'> & {
  /** Decided by a rule or a person (expired and cancelled requests aside). */
  decided: number;
  /** Share of the decided ones a rule decided, 0 to 1; null when nothing was decided. */
  automatedShare: number | null;
};

/** The window's totals, summed over its buckets. */
export function statsTotals(buckets: readonly StatsBucket[]): StatsTotals {
  const sum = (key: keyof Omit<StatsBucket, 'start'>) =>
    buckets.reduce((total, bucket) => total + bucket[key], 0);
  const totals = {
    filed: sum('filed'),
    autoApproved: sum('autoApproved'),
    autoDenied: sum('autoDenied'),
    humanApproved: sum('humanApproved'),
    humanDenied: sum('humanDenied'),
    expired: sum('expired'),
    cancelled: sum('cancelled'),
  };
  const automated = totals.autoApproved + totals.autoDenied;
  const decided = automated + totals.humanApproved + totals.humanDenied;
  return { ...totals, decided, automatedShare: decided === 0 ? null : automated / decided };
}
