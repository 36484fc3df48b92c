/**
 * One throughput figure in a fresh process, so that its peak RSS is that of a trainer using exactly
 * this many threads: `tsx trainer/bench/throughputChild.ts '{"hidden":[400,240,120],"threads":2}'`.
 * Prints the ThroughputFigure as one JSON line; with "mode":"eval", the EvalFigure of evalSpeed.ts.
 */
import { DEFAULT_CONFIG, withOverrides } from '../config/schema';
import { initBackend, kernelLibrary, type BackendChoice } from '../engine/backend';
import { measureEvaluation } from './evalSpeed';
import { measureThroughput } from './throughput';

const args = JSON.parse(process.argv[2] ?? '{}') as {
  hidden: number[];
  threads: number;
  seconds?: number;
  images?: number;
  backend?: BackendChoice;
  split?: 'replicas' | 'blas';
  engine?: 'scratch' | 'layers';
  /** 'eval': the evaluation passes of evalSpeed.ts instead of training. */
  mode?: 'train' | 'eval';
};
const backend = await initBackend(args.backend ?? 'auto');
if (args.mode === 'eval') {
  process.stdout.write(JSON.stringify({ ...(await measureEvaluation(args.threads, args.images)), backend, kernels: kernelLibrary() }) + '\n');
} else {
  const config = withOverrides(DEFAULT_CONFIG, { optimizer: 'adam', backend, engine: args.engine ?? 'scratch' });
  const figure = await measureThroughput(config, args.hidden, { threads: args.threads, seconds: args.seconds, images: args.images, split: args.split });
  process.stdout.write(JSON.stringify({ ...figure, backend }) + '\n');
}
