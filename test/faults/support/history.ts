/**
 * Every call the fault suite's clients made, with its answer: the history the invariants are
 * checked against (in the manner of Jepsen). A call that got no answer (a killed replica, a cut
 * connection) has status 0: it may or may not have taken effect.
 */
export interface RecordedCall {
  id: number;
  replica: string;
  /** What the client meant to do: `file`, `approve`, `revoke`, `read`, `token`, ... */
  op: string;
  startedAt: number;
  endedAt: number;
  status: number;
  /** The first GraphQL error's `extensions.code` (or OAuth `error`), if any. */
  code: string | undefined;
  message: string | undefined;
  retryAfter: string | undefined;
  /** What the call was about, e.g. `{ requestId }`. */
  about: Record<string, unknown>;
}

export type GraphqlAnswer<T> = {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
};

export class History {
  readonly calls: RecordedCall[] = [];
  /**
   * When a 503 is the right answer: PostgreSQL down (every replica), or one replica's clock off
   * (that replica); [from, to] in ms since the epoch.
   */
  readonly outages: { from: number; to: number; replica?: string }[] = [];

  /** POSTs a GraphQL document to `replica` and records the answer (status 0 when none came). */
  async graphql<T>(
    replica: { name: string; url: string },
    op: string,
    token: string,
    query: string,
    variables: Record<string, unknown> = {},
    about: Record<string, unknown> = {},
  ): Promise<GraphqlAnswer<T>> {
    const startedAt = Date.now();
    let answer: GraphqlAnswer<T>;
    let retryAfter: string | undefined;
    try {
      const response = await fetch(`${replica.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(20_000),
      });
      retryAfter = response.headers.get('retry-after') ?? undefined;
      const text = await response.text();
      answer = { status: response.status, ...parseJson(text) };
    } catch {
      answer = { status: 0 };
    }
    const first = answer.errors?.[0];
    this.calls.push({
      id: this.calls.length + 1,
      replica: replica.name,
      op,
      startedAt,
      endedAt: Date.now(),
      status: answer.status,
      code: first?.extensions?.code,
      message: first?.message,
      retryAfter,
      about,
    });
    return answer;
  }

  /** Records a call made some other way (an OAuth exchange, a Slack click). */
  record(call: Omit<RecordedCall, 'id'>): void {
    this.calls.push({ id: this.calls.length + 1, ...call });
  }

  outage<T>(during: () => Promise<T>, replica?: string): Promise<T> {
    const entry = { from: Date.now(), to: Number.POSITIVE_INFINITY, ...(replica ? { replica } : {}) };
    this.outages.push(entry);
    return during().finally(() => {
      entry.to = Date.now();
    });
  }

  /** For each outage: ms from its end to the first call answered 2xx that started after it. */
  recoveryMs(): number[] {
    return this.outages.flatMap((outage) => {
      const first = this.calls
        .filter((call) => call.startedAt >= outage.to && call.status >= 200 && call.status < 300)
        .sort((a, b) => a.endedAt - b.endedAt)[0];
      return first ? [first.endedAt - outage.to] : [];
    });
  }

  /** Calls answered with a 5xx. */
  serverErrors(): RecordedCall[] {
    return this.calls.filter((call) => call.status >= 500);
  }

  /** Per second since the first call: `ok/failed` (failed: no answer or 5xx), `!` where PostgreSQL was down. */
  timeline(): string {
    const first = this.calls[0]?.startedAt ?? 0;
    const seconds: { ok: number; failed: number }[] = [];
    for (const call of this.calls) {
      const second = Math.floor((call.endedAt - first) / 1000);
      seconds[second] ??= { ok: 0, failed: 0 };
      if (call.status === 0 || call.status >= 500) seconds[second]!.failed += 1;
      else seconds[second]!.ok += 1;
    }
    return Array.from(seconds, (counts, second) => {
      const at = first + second * 1000;
      const down = this.outages.some((outage) => at + 1000 >= outage.from && at <= outage.to) ? '!' : '';
      return `${second}s:${counts?.ok ?? 0}/${counts?.failed ?? 0}${down}`;
    }).join(' ');
  }

  summary(): Record<string, Record<string, number>> {
    const byOp: Record<string, Record<string, number>> = {};
    for (const call of this.calls) {
      const key = call.code ? `${call.status} ${call.code}` : String(call.status);
      byOp[call.op] ??= {};
      const counts = byOp[call.op]!;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return byOp;
  }
}

function parseJson<T>(text: string): Omit<GraphqlAnswer<T>, 'status'> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Omit<GraphqlAnswer<T>, 'status'>) : {};
  } catch {
    return { errors: [{ message: text.slice(0, 200) }] };
  }
}
