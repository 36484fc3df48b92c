/**
 * `npm run bench:torch` — our M1g training throughput beside PyTorch's for the same work (784-400-240-
 * 120-47, batch 512, Adam, the same synthetic uint8 pool size), in one run on one machine, against
 * PyTorch's BEST thread setting: torch 1 × OpenBLAS 2, 2 × 1 and 1 × 1 threads (its default, 2 × 2 on
 * two cores, oversubscribes them and is far slower, so it is not the bar). Ours at 1 thread and at every
 * core. Prints the ratios against the goals and the load average. Skipped, with a message, where PyTorch
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

/** PyTorch at each of TORCH_SETTINGS, training or the evaluation passes; null (with a message) without PyTorch. */
export async function torchFigures(seconds: number, mode: 'train' | 'eval' = 'train'): Promise<TorchFigure[] | null> {
  const python = await findTorchPython();
  if (!python) {
    console.log('PyTorch side by side: skipped (no python3 with torch; Debian: apt-get install -y python3-torch libopenblas0-pthread, or set PYTHON)');
    return null;
  }
  const figures: TorchFigure[] = [];
  for (const [threads, blas] of TORCH_SETTINGS) figures.push(await torchThroughput(python, threads, blas, { seconds, mode }));
  return figures;
}

export async function torchSideBySide(seconds: number, ours?: ThroughputFigure[]): Promise<SideBySide | null> {
  const torch = await torchFigures(seconds);
  if (!torch) return null;
  const mine = ours?.length ? ours : [await ourThroughput(M1G, 1, { seconds }), await ourThroughput(M1G, Math.max(2, hostCores()), { seconds })];
  return { ours: mine, torch, unit: 'samples/s' };
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
