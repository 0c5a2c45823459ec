/**
 * Whether this replica is shutting down gracefully. From `begin()` it still answers every call,
 * but `/ready` says 503 so load balancers take it out of rotation, and each answer closes its
 * connection so clients reconnect elsewhere; after the drain period the server closes.
 */
export class DrainState {
  private startedAt: number | undefined;

  begin(): void {
    this.startedAt ??= Date.now();
  }

  get draining(): boolean {
    return this.startedAt !== undefined;
  }
}
