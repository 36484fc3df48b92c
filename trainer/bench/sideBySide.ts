/**
 * Figures that need a process of their own: our training throughput at a given thread count (a child
 * process, so its peak RSS is that of a trainer with exactly those threads) and the PyTorch reference
 * (torch_mlp.py, the same M1g work) — printed side by side with the load average, because on a shared
 * machine only ratios measured in one run compare.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { ThroughputFigure } from './throughput';
import type { EvalFigure } from './evalSpeed';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function run(command: string, args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 1 << 20, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const lastJsonLine = <T>(out: string): T => JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!) as T;

export interface OurOptions {
  seconds?: number;
  images?: number;
  backend?: string;
  /** How the threads are split on the native path (default: as a run splits them). */
  split?: 'replicas' | 'blas';
  engine?: 'scratch' | 'layers';
  /** false: the wasm kernels (NATIVE_BLAS=0), to measure what the native path buys. */
  native?: boolean;
}

/** Our training throughput on `threads` compute threads, in a fresh process. */
export async function ourThroughput(hidden: number[], threads: number, options: OurOptions = {}): Promise<ThroughputFigure & { backend: string }> {
  const { native = true, ...rest } = options;
  const out = await run(process.execPath, ['--import', 'tsx', here('./throughputChild.ts'), JSON.stringify({ hidden, threads, ...rest })], 300_000, native ? {} : { NATIVE_BLAS: '0' });
  return lastJsonLine(out);
}

/** Our evaluation speed (evalSpeed.ts) on `threads` compute threads, in a fresh process. */
export async function ourEvaluation(threads: number, options: { native?: boolean; images?: number } = {}): Promise<EvalFigure & { kernels: string }> {
  const out = await run(process.execPath, ['--import', 'tsx', here('./throughputChild.ts'), JSON.stringify({ mode: 'eval', hidden: [], threads, images: options.images })], 300_000, options.native === false ? { NATIVE_BLAS: '0' } : {});
  return lastJsonLine(out);
}

export interface TorchFigure {
  torch: string;
  /** torch's own threads (torch.set_num_threads). */
  threads: number;
  /** OpenBLAS's threads (OPENBLAS_NUM_THREADS). */
  blasThreads: number;
  /** Training samples/s (train mode) or images/s over the evaluation passes (eval mode). */
  samplesPerSecond: number;
  rows: number;
  data: string;
}

/** PyTorch's thread settings on a 2-core machine: torch × OpenBLAS threads, never more than the cores in all but its default. */
export const TORCH_SETTINGS: [torchThreads: number, blasThreads: number][] = [[1, 2], [2, 1], [1, 1]];

/** A Python interpreter that can import torch ($PYTHON, python3, or Debian's /usr/bin/python3), or null. */
export async function findTorchPython(): Promise<string | null> {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[]) {
    try {
      await run(python, ['-c', 'import torch, numpy'], 60_000);
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

/** The PyTorch M1g reference with `threads` torch threads and `blasThreads` OpenBLAS threads (training, or the evaluation passes). */
export async function torchThroughput(python: string, threads: number, blasThreads: number, options: { seconds?: number; rows?: number; emnistDir?: string; mode?: 'train' | 'eval' } = {}): Promise<TorchFigure> {
  const mode = options.mode ?? 'train';
  const args = [here('./torch_mlp.py'), '--threads', String(threads), '--seconds', String(options.seconds ?? 6), '--rows', String(options.rows ?? (mode === 'eval' ? 23_258 : 512 * 40)), '--mode', mode];
  if (options.emnistDir) args.push('--emnist', options.emnistDir);
  const figure = lastJsonLine<TorchFigure & { imagesPerSecond?: number }>(await run(python, args, 300_000, { OPENBLAS_NUM_THREADS: String(blasThreads) }));
  return { ...figure, samplesPerSecond: figure.imagesPerSecond ?? figure.samplesPerSecond };
}

export function loadAverage(): string {
  const [one, five, fifteen] = os.loadavg();
  return `load average ${one.toFixed(2)} / ${five.toFixed(2)} / ${fifteen.toFixed(2)} (1/5/15 min) on ${os.cpus().length} cores`;
}
