/** Runs `request` `total` times over `concurrency` workers (bounded by `maxSeconds`); returns latencies in ms. */
export async function measure(
  request: () => Promise<void>,
  options: { total: number; concurrency: number; maxSeconds: number },
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + options.maxSeconds * 1000;
  let issued = 0;
  const started = performance.now();
  const worker = async () => {
    while (issued < options.total && performance.now() < deadline) {
      issued += 1;
      const begin = performance.now();
      await request();
      latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function summary(values: number[]): string {
  return `p50 ${percentile(values, 50).toFixed(3)} ms, p95 ${percentile(values, 95).toFixed(3)} ms, p99 ${percentile(values, 99).toFixed(3)} ms (n=${values.length})`;
}
