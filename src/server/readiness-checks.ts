/** One check of `/ready` as anonymous callers see it: no secret, host or path in `detail`. */
export interface CheckResult {
  ok: boolean;
  /** Why it is not ok (or what it saw), in generic words. */
  detail?: string;
  /** How long the check took. */
  ms?: number;
  /** Reported, but does not decide readiness (a shared dependency outside the replica). */
  advisory?: true;
}

/** What a check finds; its time is measured by the runner. */
export type CheckOutcome = { ok: true; detail?: string } | { ok: false; detail: string };

export interface ReadinessCheck {
  /** Runs the check; a throw is reported as a generic failure (its message is not shown). */
  run(): CheckOutcome | Promise<CheckOutcome>;
  /** How long it may take before it counts as failed (default: the runner's budget). */
  budgetMs?: number;
  /**
   * Shown but not deciding readiness: taking every replica out of the load balancer would not
   * bring back a dependency they all share (an audit witness, Slack), and would stop the service.
   */
  advisory?: boolean;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface ReadinessOptions {
  /** Each check's time budget unless it names its own. */
  budgetMs: number;
  /** A report is reused for this long: a load balancer polling often does not load the database. */
  reuseMs: number;
  now?: () => number;
}

/**
 * Runs named checks in parallel, each within its time budget, and answers whether all the deciding
 * ones passed. A check still running from an earlier call (a hung database) is not started again:
 * it answers "did not answer" at once, so polls never pile up queries. Concurrent callers share
 * one run, and a report is reused for `reuseMs`.
 */
export function readinessProbe(
  checks: Record<string, ReadinessCheck>,
  options: ReadinessOptions,
): () => Promise<ReadinessReport> {
  const now = options.now ?? Date.now;
  const pending = new Map<string, Promise<unknown>>();
  let last: { report: Promise<ReadinessReport>; doneAt?: number } | undefined;

  const runCheck = async (name: string, check: ReadinessCheck): Promise<CheckResult> => {
    const budgetMs = check.budgetMs ?? options.budgetMs;
    const late: CheckOutcome = { ok: false, detail: `did not answer within ${budgetMs} ms` };
    const started = performance.now();
    let outcome: CheckOutcome;
    if (pending.has(name)) {
      outcome = late;
    } else {
      const running = Promise.resolve()
        .then(() => check.run())
        .catch((): CheckOutcome => ({ ok: false, detail: 'the check failed' }));
      const tracked = running.finally(() => pending.delete(name));
      pending.set(name, tracked);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<CheckOutcome>((resolve) => {
        timer = setTimeout(() => resolve(late), budgetMs);
        timer.unref();
      });
      outcome = await Promise.race([running, timeout]);
      clearTimeout(timer);
    }
    return {
      ...outcome,
      ms: Math.round(performance.now() - started),
      ...(check.advisory ? { advisory: true as const } : {}),
    };
  };

  const run = async (): Promise<ReadinessReport> => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await runCheck(name, check)] as const),
    );
    return {
      ready: entries.every(([, result]) => result.ok || result.advisory),
      checks: Object.fromEntries(entries),
    };
  };

  return () => {
    // Shared while it runs; reused for `reuseMs` once it finished.
    if (!last || (last.doneAt !== undefined && now() - last.doneAt >= options.reuseMs)) {
      const current: { report: Promise<ReadinessReport>; doneAt?: number } = { report: run() };
      last = current;
      void current.report.then(() => {
        current.doneAt = now();
      });
    }
    return last.report;
  };
}
