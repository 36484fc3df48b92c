/**
 * One throughput figure in a fresh process, so that its peak RSS is that of a trainer using exactly
 * this many threads: `tsx trainer/bench/throughputChild.ts '{"hidden":[400,240,120],"threads":2}'`.
 * Prints the ThroughputFigure as one JSON line.
 */
import { DEFAULT_CONFIG, withOverrides } from '../config/schema';
import { initBackend, type BackendChoice } from '../engine/backend';
import { measureThroughput } from './throughput';

const args = JSON.parse(process.argv[2] ?? '{}') as { hidden: number[]; threads: number; seconds?: number; images?: number; backend?: BackendChoice; split?: 'replicas' | 'blas' };
const backend = await initBackend(args.backend ?? 'auto');
const config = withOverrides(DEFAULT_CONFIG, { optimizer: 'adam', backend });
const figure = await measureThroughput(config, args.hidden, { threads: args.threads, seconds: args.seconds, images: args.images, split: args.split });
process.stdout.write(JSON.stringify({ ...figure, backend }) + '\n');
