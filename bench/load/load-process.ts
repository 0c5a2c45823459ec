/**
 * The load generator, run as its own process (never inside the service it measures): reads a
 * LoadSpec as JSON on stdin, drives it with autocannon, and writes a LoadResult as JSON on stdout.
 */
import { text } from 'node:stream/consumers';
import autocannon, { type Request } from 'autocannon';
import { type LoadResult, loadSpecSchema, type StepLatency } from './load-spec.ts';
import { percentile } from './percentile.ts';

const spec = loadSpecSchema.parse(JSON.parse(await text(process.stdin)));
const stepsPerScenario = spec.scenarios[0]!.length;
// autocannon splits `amount` evenly over the connections: for each scenario to run exactly once,
// every connection must run whole scenarios.
if (spec.scenarios.some((scenario) => scenario.length !== stepsPerScenario))
  throw new Error('every scenario must have the same number of steps');
if (!spec.cycle && spec.scenarios.length % spec.connections !== 0)
  throw new Error(`${spec.scenarios.length} scenarios do not divide over ${spec.connections} connections`);
const latencies = new Map<string, number[]>();
let nextScenario = 0;
let scenariosDone = 0;
let failures = 0;
let firstFailure: string | null = null;

interface ClientContext {
  scenario?: number;
  started?: number;
  step?: number;
}

const fail = (message: string) => {
  failures += 1;
  firstFailure ??= message.slice(0, 500);
};

const requests = Array.from({ length: stepsPerScenario }, (_, stepIndex) => ({
  setupRequest(request: Request, context: ClientContext): Request {
    if (stepIndex === 0) context.scenario = nextScenario++ % spec.scenarios.length;
    const step = spec.scenarios[context.scenario!]![stepIndex]!;
    context.step = stepIndex;
    context.started = performance.now();
    return {
      ...request,
      method: step.method,
      path: step.path,
      headers: { 'content-type': 'application/json', ...step.headers },
      body: step.body,
    };
  },
  onResponse(status: number, body: string, context: ClientContext): void {
    const step = spec.scenarios[context.scenario!]![stepIndex]!;
    const elapsed = performance.now() - context.started!;
    const list = latencies.get(step.label) ?? [];
    latencies.set(step.label, list);
    list.push(elapsed);
    if (status < 200 || status >= 300) fail(`${step.label}: HTTP ${status} ${body}`);
    else if (step.expect && !body.includes(step.expect)) fail(`${step.label}: ${body}`);
    if (stepIndex === spec.scenarios[context.scenario!]!.length - 1) scenariosDone += 1;
  },
}));

const started = performance.now();
const result = await autocannon({
  url: spec.origin,
  connections: spec.connections,
  duration: spec.seconds,
  requests,
  ...(spec.cycle ? {} : { amount: spec.scenarios.reduce((sum, scenario) => sum + scenario.length, 0) }),
});
const seconds = (performance.now() - started) / 1000;
failures += result.errors + result.timeouts;
if (result.errors > 0) firstFailure ??= `${result.errors} socket errors`;
const steps: StepLatency[] = [...latencies].map(([label, values]) => ({
  label,
  count: values.length,
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
}));
const output: LoadResult = {
  seconds,
  scenariosPerSecond: scenariosDone / seconds,
  requestsPerSecond: [...latencies.values()].reduce((sum, values) => sum + values.length, 0) / seconds,
  scenarios: scenariosDone,
  requests: [...latencies.values()].reduce((sum, values) => sum + values.length, 0),
  failures,
  firstFailure,
  steps,
};
process.stdout.write(JSON.stringify(output));
