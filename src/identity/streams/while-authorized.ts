/**
 * What a long-lived door (a subscription now, an MCP session later) needs to keep a stream tied to
 * the credential that opened it.
 */
export interface StreamAuthorization {
  /** The same checks as every call, against the current state; throws (UNAUTHENTICATED) when they fail. */
  check(): Promise<unknown>;
  /** Calls `listener` whenever the identity state may have changed (on any replica). */
  watch(listener: () => void): () => void;
  /** When the credential expires: it is checked then, even if nothing else happens. */
  expiresAt: Date | null;
}

/** setTimeout's longest delay; a credential living longer is checked again at its next change. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * Passes on the events of `source` while its credential holds: checked before every event, and
 * whenever the identity state changes or the credential expires, so a revoked token, a suspended
 * agent or a deactivated human ends the stream at once, with the check's error, and nothing more
 * is sent (not even an event that was already on its way).
 */
export async function* whileAuthorized<T>(
  source: AsyncIterable<T>,
  authorization: StreamAuthorization,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let changed = signal();
  const unwatch = authorization.watch(() => changed.fire());
  const expiry = authorization.expiresAt
    ? setTimeout(
        () => changed.fire(),
        Math.min(maxTimerMs, Math.max(0, authorization.expiresAt.getTime() - Date.now() + 50)),
      )
    : undefined;
  let next = iterator.next();
  try {
    for (;;) {
      const outcome = await Promise.race([
        next.then((result) => ({ result })),
        changed.fired.then(() => null),
      ]);
      if (outcome === null) {
        changed = signal();
        await authorization.check();
        continue;
      }
      // A source that ends because the credential did (its own expiry timer) ends with the error too.
      await authorization.check();
      if (outcome.result.done) return;
      yield outcome.result.value;
      next = iterator.next();
    }
  } finally {
    unwatch();
    clearTimeout(expiry);
    // The source may be parked until its next event: ask it to stop without waiting for it, and
    // never let its late failure go unhandled.
    next.catch(() => {});
    Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

function signal(): { fired: Promise<void>; fire(): void } {
  let fire = () => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}
