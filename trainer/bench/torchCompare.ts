/**
 * `npm run bench:torch` — our M1g training throughput beside PyTorch's for the same work (784-400-240-
 * 120-47, batch 512, Adam, the same synthetic uint8 pool size), in one run on one machine, against
 * PyTorch's BEST thread setting: torch 1 × OpenBLAS 2, 2 × 1 and 1 × 1 threads (its default, 2 × 2 on
 * two cores, oversubscribes them and is far slower, so it is not the bar). Ours at 1 thread and at every
 * core (both thread splits), alternating with PyTorch, best of two rounds each. Prints the ratios
 * against the goals and the load average. Skipped, with a message, where PyTorch
 * is not installed (Debian: apt-get install -y python3-torch libopenblas0-pthread).
 */
import { hostCores } from '../parallel/threads';
import { findTorchPython, loadAverage, ourThroughput, TORCH_SETTINGS, torchThroughput, type TorchFigure } from './sideBySide';
import type { ThroughputFigure } from './throughput';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const M1G = [400, 240, 120];

export interface SideBySide {
  ours: ThroughputFigure[];
  torch: TorchFigure[];
  /** What is compared: training samples/s, or evaluation images/s. */
  unit: string;
}

/**
 * M1g on our three thread plans (1 thread; 2 replicas × 1 BLAS; 1 replica × 2 BLAS) and PyTorch's three
 * settings, measured alternately (ours, PyTorch, ours, …) for `rounds` rounds; each configuration's figure
 * is its best round, so a burst of load from other processes does not decide the ratio.
 */
export async function torchSideBySide(seconds: number, rounds = 2): Promise<SideBySide | null> {
  const python = await findTorchPython();
  if (!python) {
    console.log('PyTorch side by side: skipped (no python3 with torch; Debian: apt-get install -y python3-torch libopenblas0-pthread, or set PYTHON)');
    return null;
  }
  const all = Math.max(2, hostCores());
  const plans: [number, 'replicas' | 'blas'][] = [[1, 'replicas'], [all, 'replicas'], [all, 'blas']];
  const ours: ThroughputFigure[] = [];
  const torch: TorchFigure[] = [];
  const keep = <T extends { samplesPerSecond: number }>(list: T[], i: number, figure: T) => {
    if (!list[i] || figure.samplesPerSecond > list[i].samplesPerSecond) list[i] = figure;
  };
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < plans.length; i++) {
      keep(ours, i, await ourThroughput(M1G, plans[i][0], { seconds, split: plans[i][1] }));
      const [threads, blas] = TORCH_SETTINGS[i];
      keep(torch, i, await torchThroughput(python, threads, blas, { seconds }));
    }
  }
  return { ours, torch, unit: 'samples/s' };
}

const best = <T extends { samplesPerSecond: number }>(list: T[]): T => list.reduce((a, b) => (b.samplesPerSecond > a.samplesPerSecond ? b : a));

export function formatSideBySide({ ours, torch, unit }: SideBySide, goal = 1.25): string {
  const mine = best(ours);
  const theirs = best(torch);
  const one = ours.filter((f) => f.threads === 1);
  const torchOne = torch.find((t) => t.threads === 1 && t.blasThreads === 1);
  const label = (f: ThroughputFigure) => `  ours (wasm + ${f.kernels}, ${f.engine}${f.replicas ? `, ${f.replicas} replica${f.replicas === 1 ? '' : 's'} × ${f.blasThreads} BLAS` : ''})`;
  return [
    `  ${''.padEnd(58)}threads  ${unit.padStart(10)}`,
    ...ours.map((f) => label(f).padEnd(60) + `${String(f.threads).padStart(7)}  ${fmt(f.samplesPerSecond).padStart(10)}`),
    ...torch.map((t) => `  PyTorch ${t.torch} (torch ${t.threads} × OpenBLAS ${t.blasThreads} threads, ${t.data})`.padEnd(60) + `${String(t.threads * t.blasThreads).padStart(7)}  ${fmt(t.samplesPerSecond).padStart(10)}`),
    `  ours best / PyTorch's best (torch ${theirs.threads} × OpenBLAS ${theirs.blasThreads}): ${(mine.samplesPerSecond / theirs.samplesPerSecond).toFixed(2)}× (goal ≥ ${goal}×)`,
    ...(one.length && torchOne ? [`  single thread: ours / PyTorch 1 × 1: ${(best(one).samplesPerSecond / torchOne.samplesPerSecond).toFixed(2)}×`] : []),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  console.log(loadAverage());
  torchSideBySide(seconds)
    .then((r) => {
      if (r) console.log(`M1g 784-400-240-120-47, batch 512, Adam, samples/s (training loop only)\n${formatSideBySide(r)}`);
      console.log(loadAverage());
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
