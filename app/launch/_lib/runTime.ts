/**
 * How long a run would train, from what this installation has measured: the samples per second of
 * recent finished runs on the same backend (same engine preferred), scaled by model size. The work
 * per training sample grows with the parameter count, so a run's speed times its parameters (weights
 * touched per second) carries over to other sizes; the median over recent runs resists outliers.
 * Training only: validation and the final evaluation add a little. Pure; unit-tested.
 */

export interface MeasuredRun {
  backend: string | null;
  engine: string;
  parameters: number | null;
  epochs: { samplesPerSecond: number }[];
}

export interface RunTimeEstimate {
  seconds: number;
  samplesPerSecond: number;
  backend: string;
  /** How many recent runs the figure rests on. */
  basis: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function estimateRunTime(
  run: { backend: string; engine: string; parameters: number; trainingSamples: number; epochs: number },
  recent: readonly MeasuredRun[],
  maxRuns = 10,
): RunTimeEstimate | null {
  const usable = recent.filter((r) => r.backend && r.parameters && r.epochs.some((e) => e.samplesPerSecond > 0));
  if (!usable.length || run.parameters <= 0) return null;
  // "auto" runs on whatever the workers pick: the backend recent runs actually used most.
  const counts = new Map<string, number>();
  for (const r of usable) counts.set(r.backend!, (counts.get(r.backend!) ?? 0) + 1);
  const backend = run.backend === 'auto' ? [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0] : run.backend;
  const sameBackend = usable.filter((r) => r.backend === backend);
  const sameEngine = sameBackend.filter((r) => r.engine === run.engine);
  const pool = (sameEngine.length ? sameEngine : sameBackend).slice(0, maxRuns);
  if (!pool.length) return null;
  const rate = median(pool.map((r) => median(r.epochs.map((e) => e.samplesPerSecond).filter((s) => s > 0)) * r.parameters!));
  const samplesPerSecond = rate / run.parameters;
  return { seconds: (run.epochs * run.trainingSamples) / samplesPerSecond, samplesPerSecond, backend, basis: pool.length };
}
