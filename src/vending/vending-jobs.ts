import type { JobToSchedule } from '../jobs/job-queue.ts';

export const vendingJobKind = { sweep: 'vending.sweep', expire: 'vending.expire' } as const;

/** The timer that ends a login at its expiry (a new one when a grant shortens its life). */
export function expiryJob(id: string, expiresAt: Date): JobToSchedule {
  return {
    kind: vendingJobKind.expire,
    key: `${vendingJobKind.expire}:${id}:${expiresAt.toISOString()}`,
    payload: { id },
    runAt: expiresAt,
  };
}

/** The next sweep after `after`, on a grid of the interval, so replicas schedule the same one. */
export function sweepJob(after: Date, sweepSeconds: number): JobToSchedule {
  const intervalMs = sweepSeconds * 1000;
  const runAt = new Date((Math.floor(after.getTime() / intervalMs) + 1) * intervalMs);
  return {
    kind: vendingJobKind.sweep,
    key: `${vendingJobKind.sweep}:${runAt.toISOString()}`,
    payload: {},
    runAt,
    maxAttempts: 3,
  };
}
