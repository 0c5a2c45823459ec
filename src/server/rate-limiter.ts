/**
 * Fixed-window request counting per key (a client address), in memory. Each replica limits on its
 * own; it keeps one caller from burning the CPU on slow hashes and flooding the audit log (the token
 * endpoint counts every request, the AuthZEN door failed client authentications).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts a request; returns the seconds to wait when over the limit, or 0. */
  take(key: string, now = Date.now()): number {
    if (this.windows.size > 100_000) this.prune(now);
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > this.limit ? Math.ceil((window.start + this.windowMs - now) / 1000) : 0;
  }

  /** The seconds to wait while this key is over the limit, without counting a request; else 0. */
  waiting(key: string, now = Date.now()): number {
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs || window.count <= this.limit) return 0;
    return Math.ceil((window.start + this.windowMs - now) / 1000);
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows)
      if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
