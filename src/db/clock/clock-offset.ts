/**
 * How far this process's clock is from the database's, from one round trip: the database's time
 * is taken to be read halfway between sending the query and receiving its answer, so the error is
 * at most half the round trip.
 */
export interface ClockSample {
  /** This process's clock when the query was sent, in ms since the epoch. */
  sentAt: number;
  /** The database's `clock_timestamp()` in the answer, in ms since the epoch. */
  databaseAt: number;
  /** This process's clock when the answer came. */
  receivedAt: number;
}

/** Positive: this clock is ahead of the database's; negative: behind. */
export interface ClockOffset {
  offsetMs: number;
  roundTripMs: number;
}

export function offsetOf(sample: ClockSample): ClockOffset {
  const roundTripMs = sample.receivedAt - sample.sentAt;
  return { offsetMs: sample.sentAt + roundTripMs / 2 - sample.databaseAt, roundTripMs };
}

/** "the clock is 30.1 s behind the database", for logs and /ready (no host, no secret). */
export function describeOffset(offsetMs: number): string {
  const seconds = (Math.abs(offsetMs) / 1000).toFixed(1);
  return `the clock is ${seconds} s ${offsetMs < 0 ? 'behind' : 'ahead of'} the database`;
}

/** What the replica knows of its clock: nothing yet, or its last usable measurement and verdict. */
export type ClockState =
  | { measured: false }
  | { measured: true; offsetMs: number; measuredAt: number; trusted: boolean };

/** What one measurement did to the verdict: the clock went off, came back, or nothing changed. */
export type ClockChange = 'off' | 'back' | null;

/**
 * Folds a measurement into the state. A round trip longer than the tolerance cannot tell an
 * offset within it from one beyond it (the error is up to half the round trip): such a sample is
 * dropped and the verdict kept, so a slow database neither takes a replica out nor vouches for it.
 */
export function nextClockState(
  state: ClockState,
  offset: ClockOffset,
  measuredAt: number,
  maxOffsetMs: number,
): { state: ClockState; change: ClockChange; dropped: boolean } {
  if (offset.roundTripMs > maxOffsetMs) return { state, change: null, dropped: true };
  const trusted = Math.abs(offset.offsetMs) <= maxOffsetMs;
  const wasTrusted = !state.measured || state.trusted;
  return {
    state: { measured: true, offsetMs: offset.offsetMs, measuredAt, trusted },
    change: trusted === wasTrusted ? null : trusted ? 'back' : 'off',
    dropped: false,
  };
}

/**
 * Why this replica's clock is not to be trusted now, or undefined when it is. Not measured yet
 * counts as not trusted: a replica started with a clock 30 s off must not serve until it knows.
 */
export function untrustedReason(state: ClockState, maxOffsetMs: number): string | undefined {
  if (!state.measured) return 'the clock is not measured against the database yet';
  if (state.trusted) return undefined;
  return `${describeOffset(state.offsetMs)} (more than the ${maxOffsetMs} ms allowed)`;
}
