import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import pg from 'pg';

/**
 * The header that tells the query log which capture an HTTP request belongs to. The service ignores
 * it; the log reads it as the request arrives (through Node's `http.server.request.start`
 * diagnostics channel), so no production code knows about captures.
 */
export const queryLogHeader = 'x-test-query-log';

/** The statements one piece of work sent to PostgreSQL, in the order it sent them. */
export interface CapturedQueries {
  /** The SQL text of each statement, as sent (parameters are never recorded). */
  readonly statements: readonly string[];
}

interface Capture {
  readonly statements: string[];
  inFlight: number;
  lastActivity: number;
}

/**
 * Which capture the running code belongs to. Work started in a capture (a query, a timer, a
 * promise chain, an HTTP request carrying the header) stays in it, so statements of background
 * work (the job worker, the audit sequencer, caches refreshed by NOTIFY) are never mixed in.
 */
const currentCapture = new AsyncLocalStorage<Capture | null>();
const captures = new Map<string, Capture>();
/** Configs `pg.Pool#query` hands to `pg.Client#query`: recorded once, by the pool. */
const issuedByPool = new WeakSet<object>();
let installed = false;
let capturesStarted = 0;

/**
 * Starts recording, for this test process, the SQL that work inside a capture sends through `pg`
 * (Prisma's driver adapter and every raw query use it). Statements outside a capture cost one
 * lookup and are not kept.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const poolQuery = pg.Pool.prototype.query;
  const clientQuery = pg.Client.prototype.query;
  const record = (capture: Capture, config: unknown, run: () => unknown): unknown => {
    capture.statements.push(sqlOf(config));
    capture.inFlight += 1;
    capture.lastActivity = Date.now();
    const done = () => {
      capture.inFlight -= 1;
      capture.lastActivity = Date.now();
    };
    let result: unknown;
    try {
      result = run();
    } catch (error) {
      done();
      throw error;
    }
    if (isPromise(result)) result.then(done, done);
    else done();
    return result;
  };
  pg.Pool.prototype.query = function capturedPoolQuery(this: pg.Pool, ...args: unknown[]) {
    const capture = currentCapture.getStore();
    if (!capture) return Reflect.apply(poolQuery, this, args);
    // The pool runs the statement on a client once one is free, perhaps from another capture's
    // release: record it here, where the caller is known, and mark it for the client to skip.
    const [text, ...rest] = args;
    const config = typeof text === 'string' ? { text } : text;
    if (isObject(config)) issuedByPool.add(config);
    return record(capture, config, () => Reflect.apply(poolQuery, this, [config, ...rest]));
  } as typeof poolQuery;
  pg.Client.prototype.query = function capturedClientQuery(this: pg.Client, ...args: unknown[]) {
    const capture = currentCapture.getStore();
    const [config] = args;
    if (!capture || (isObject(config) && issuedByPool.has(config))) {
      return Reflect.apply(clientQuery, this, args);
    }
    return record(capture, config, () => Reflect.apply(clientQuery, this, args));
  } as typeof clientQuery;
  diagnosticsChannel.subscribe('http.server.request.start', (message) => {
    const label = (message as { request: IncomingMessage }).request.headers[queryLogHeader];
    // Set for every request: a kept-alive connection must not carry the last request's capture.
    currentCapture.enterWith((typeof label === 'string' && captures.get(label)) || null);
  });
}

/**
 * Runs `work` in a new capture and returns its result with the statements it sent, once they all
 * answered and none followed for `quietMs` (work may go on after `work` resolves, e.g. an audit
 * batch written a few milliseconds after a response: that is the operation's cost too).
 *
 * HTTP requests made inside `work` are attributed to the capture when they carry the headers from
 * the `headers` argument.
 */
export async function captureQueries<T>(
  work: (headers: Record<string, string>) => Promise<T>,
  options: { quietMs?: number; timeoutMs?: number } = {},
): Promise<{ result: T } & CapturedQueries> {
  install();
  capturesStarted += 1;
  const label = `capture-${process.pid}-${capturesStarted}`;
  const capture: Capture = { statements: [], inFlight: 0, lastActivity: Date.now() };
  captures.set(label, capture);
  try {
    const result = await currentCapture.run(capture, () => work({ [queryLogHeader]: label }));
    await settled(capture, options.quietMs ?? 300, options.timeoutMs ?? 15_000);
    return { result, statements: [...capture.statements] };
  } finally {
    captures.delete(label);
  }
}

async function settled(capture: Capture, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (capture.inFlight > 0 || Date.now() - capture.lastActivity < quietMs) {
    if (Date.now() > deadline) {
      throw new Error(`the captured work still sends queries after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function sqlOf(config: unknown): string {
  if (typeof config === 'string') return config;
  if (isObject(config) && 'text' in config && typeof config.text === 'string') return config.text;
  return '<a statement without text>';
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return isObject(value) && 'then' in value && typeof value.then === 'function';
}
