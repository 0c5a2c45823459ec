import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { BoundedLabel } from './bounded-label.ts';

export const metricsPrefix = 'aperture_';

/**
 * The service's metrics, on a registry of its own (never prom-client's global one: tests run
 * several services in one process). Built once by the composition root and passed to the modules
 * that record; `/metrics` prints `registry`.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  graphqlDuration: Histogram<'type' | 'name' | 'outcome'>;
  /** Caps the operation names of graphqlDuration. */
  operationNames: BoundedLabel;
  decisions: Counter<'outcome' | 'by'>;
  consentAnswers: Counter<'answer'>;
}

/** Seconds, from a cache hit to a slow request: the HTTP and GraphQL latency histograms share them. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: metricsPrefix });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: `${metricsPrefix}http_requests_total`,
      help: 'HTTP requests answered, by route (the door: graphql, mcp, oauth, ...), method and status class.',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: `${metricsPrefix}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request (to its last byte), by route, method and status class.',
      labelNames: ['route', 'method', 'status'],
      buckets: latencyBuckets,
      registers,
    }),
    graphqlDuration: new Histogram({
      name: `${metricsPrefix}graphql_operation_duration_seconds`,
      help: 'Time to execute a GraphQL operation (a subscription: to set up its stream), by type, name (capped) and outcome.',
      labelNames: ['type', 'name', 'outcome'],
      buckets: latencyBuckets,
      registers,
    }),
    operationNames: new BoundedLabel(),
    decisions: new Counter({
      name: `${metricsPrefix}access_decisions_total`,
      help: 'Access requests decided (or routed to approvers), by outcome and by whom: rule, person, agent or system.',
      labelNames: ['outcome', 'by'],
      registers,
    }),
    consentAnswers: new Counter({
      name: `${metricsPrefix}consent_answers_total`,
      help: 'Answers of the people agents asked for access in their name: ONCE, TASK, ALWAYS, or NOT_ME (a security event).',
      labelNames: ['answer'],
      registers,
    }),
  };
}
