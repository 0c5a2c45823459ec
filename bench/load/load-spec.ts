import { z } from 'zod';

/** One HTTP request of a scenario, and a substring its body must contain to count as a success. */
export const loadStepSchema = z.object({
  label: z.string(),
  method: z.enum(['GET', 'POST']).default('POST'),
  path: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expect: z.string().optional(),
});

/**
 * What the load process runs: each connection takes the next scenario (a sequence of steps sent
 * one after the other on that connection), so a round trip like "request access, then read the
 * slice with the same token" stays on one client. Scenarios are taken once each unless `cycle`.
 */
export const loadSpecSchema = z.object({
  origin: z.string().url(),
  connections: z.number().int().positive(),
  /** Seconds to run; or stop when every scenario ran once (not cycling). */
  seconds: z.number().positive(),
  cycle: z.boolean(),
  scenarios: z.array(z.array(loadStepSchema).min(1)).min(1),
});

export type LoadSpec = z.input<typeof loadSpecSchema>;
export type LoadStep = z.input<typeof loadStepSchema>;

/** Latencies of one step label, in milliseconds. */
export interface StepLatency {
  label: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface LoadResult {
  seconds: number;
  /** Completed scenarios (all their steps answered) per second. */
  scenariosPerSecond: number;
  requestsPerSecond: number;
  scenarios: number;
  requests: number;
  /** Non-2xx answers, bodies without the expected text, and socket errors. */
  failures: number;
  firstFailure: string | null;
  steps: StepLatency[];
}
