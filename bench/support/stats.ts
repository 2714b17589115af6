/** Latency figures of one scenario, in milliseconds. */
export type LatencySummary = {
  iterations: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
};

export type MeasureOptions = {
  /** runs before measuring, to warm caches, plans and JIT */
  warmup: number;
  iterations: number;
  /** stops early (after at least `minIterations`) once this much time was spent measuring */
  maxMs: number;
  minIterations?: number;
};

/** Nearest-rank percentile of ascending-sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(durationsMs: readonly number[]): LatencySummary {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  return {
    iterations: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? total / sorted.length : Number.NaN,
  };
}

/** Times `run` sequentially (one request at a time: latency, not throughput). */
export async function measure(
  run: () => Promise<unknown>,
  options: MeasureOptions,
): Promise<LatencySummary> {
  for (let i = 0; i < options.warmup; i++) await run();
  const durations: number[] = [];
  const minIterations = options.minIterations ?? 20;
  const started = performance.now();
  for (let i = 0; i < options.iterations; i++) {
    const t0 = performance.now();
    await run();
    durations.push(performance.now() - t0);
    if (durations.length >= minIterations && performance.now() - started > options.maxMs) break;
  }
  return summarize(durations);
}
