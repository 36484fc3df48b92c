/**
 * `npm run bench:torch` — our M1g training throughput beside PyTorch's for the same work (784-400-240-
 * 120-47, batch 512, Adam, the same synthetic uint8 pool size), in one run on one machine: ours at 1
 * thread and at every core, PyTorch at 1 and 2 threads, measured alternately so that load from other
 * processes hits both alike; prints the ratios against the goals and the load average. Skipped, with a
 * message, where PyTorch is not installed (Debian: apt-get install -y python3-torch libopenblas0-pthread).
 */
import { hostCores } from '../parallel/threads';
import { findTorchPython, loadAverage, ourThroughput, torchThroughput, type TorchFigure } from './sideBySide';
import type { ThroughputFigure } from './throughput';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const M1G = [400, 240, 120];

export interface SideBySide {
  ours: ThroughputFigure[];
  torch: TorchFigure[];
}

export async function torchSideBySide(seconds: number, ours?: ThroughputFigure[]): Promise<SideBySide | null> {
  const python = await findTorchPython();
  if (!python) {
    console.log('PyTorch side by side: skipped (no python3 with torch; Debian: apt-get install -y python3-torch libopenblas0-pthread, or set PYTHON)');
    return null;
  }
  const all = Math.max(2, hostCores());
  const mine: ThroughputFigure[] = ours?.length ? ours : [];
  const torch: TorchFigure[] = [];
  for (const threads of [1, 2]) {
    if (!ours?.length) mine.push(await ourThroughput(M1G, threads === 2 ? all : 1, { seconds }));
    torch.push(await torchThroughput(python, threads, { seconds }));
  }
  return { ours: mine, torch };
}

export function formatSideBySide({ ours, torch }: SideBySide): string {
  const most = ours.reduce((a, b) => (b.threads > a.threads ? b : a)); // ours on every core
  const one = ours.find((f) => f.threads === 1);
  const two = ours.find((f) => f.threads === 2);
  const torch2 = torch.find((t) => t.threads === 2)!;
  const rows = [
    ...ours.map((f) => `  ours (tfjs wasm, ${f.engine})`.padEnd(36) + `${String(f.threads).padStart(7)}  ${fmt(f.samplesPerSecond).padStart(9)}`),
    ...torch.map((t) => `  PyTorch ${t.torch} (${t.data})`.padEnd(36) + `${String(t.threads).padStart(7)}  ${fmt(t.samplesPerSecond).padStart(9)}`),
  ];
  return [
    `M1g 784-400-240-120-47, batch 512, Adam, samples/s (training loop only)`,
    `  ${''.padEnd(34)}threads  samples/s`,
    ...rows,
    `  ours on ${most.threads} threads / PyTorch on 2 threads: ${(most.samplesPerSecond / torch2.samplesPerSecond).toFixed(2)}× (goal ≥ 1.5×)`,
    ...(one && two ? [`  ours 2 threads / ours 1 thread: ${(two.samplesPerSecond / one.samplesPerSecond).toFixed(2)}× (goal ≥ 1.6×)`] : []),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  console.log(loadAverage());
  torchSideBySide(seconds)
    .then((r) => {
      if (r) console.log(formatSideBySide(r));
      console.log(loadAverage());
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
