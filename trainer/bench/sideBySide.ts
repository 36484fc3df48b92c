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

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const lastJsonLine = <T>(out: string): T => JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!) as T;

/** Our throughput with `threads` replicas, in a fresh process. */
export async function ourThroughput(hidden: number[], threads: number, options: { seconds?: number; images?: number; backend?: string } = {}): Promise<ThroughputFigure & { backend: string }> {
  const out = await run(process.execPath, ['--import', 'tsx', here('./throughputChild.ts'), JSON.stringify({ hidden, threads, ...options })], 300_000);
  return lastJsonLine(out);
}

export interface TorchFigure {
  torch: string;
  threads: number;
  samplesPerSecond: number;
  steps: number;
  rows: number;
  data: string;
}

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

/** The PyTorch M1g reference at `threads` threads. */
export async function torchThroughput(python: string, threads: number, options: { seconds?: number; rows?: number; emnistDir?: string } = {}): Promise<TorchFigure> {
  const args = [here('./torch_mlp.py'), '--threads', String(threads), '--seconds', String(options.seconds ?? 6), '--rows', String(options.rows ?? 512 * 40)];
  if (options.emnistDir) args.push('--emnist', options.emnistDir);
  return lastJsonLine(await run(python, args, 300_000));
}

export function loadAverage(): string {
  const [one, five, fifteen] = os.loadavg();
  return `load average ${one.toFixed(2)} / ${five.toFixed(2)} / ${fifteen.toFixed(2)} (1/5/15 min) on ${os.cpus().length} cores`;
}
