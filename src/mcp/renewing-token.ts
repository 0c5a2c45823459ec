/** An exchanged token is replaced this long before it expires (or at half its life, if shorter). */
const renewBeforeExpiryMs = 60_000;

/** What one exchange yields: the token and how long it lives. */
export interface ExchangedToken {
  token: string;
  expiresInSeconds: number;
}

/**
 * A token made by `exchange`, reused until shortly before it expires. Concurrent callers share one
 * exchange; `forget` drops the token (one the service refused while its credential still holds).
 */
export class RenewingToken {
  private held: { token: string; renewAt: number } | undefined;
  private exchanging: Promise<string> | undefined;

  constructor(private readonly exchange: () => Promise<ExchangedToken>) {}

  /** Whether a token was exchanged and is held. */
  get holds(): boolean {
    return this.held !== undefined;
  }

  current(): Promise<string> {
    if (this.held && Date.now() < this.held.renewAt) return Promise.resolve(this.held.token);
    this.exchanging ??= this.renew().finally(() => {
      this.exchanging = undefined;
    });
    return this.exchanging;
  }

  forget(): void {
    this.held = undefined;
  }

  private async renew(): Promise<string> {
    const { token, expiresInSeconds } = await this.exchange();
    const lifetimeMs = expiresInSeconds * 1000;
    this.held = { token, renewAt: Date.now() + lifetimeMs - Math.min(renewBeforeExpiryMs, lifetimeMs / 2) };
    return token;
  }
}
