/**
 * `npm run verify:gpu` — checks a GPU worker host end to end (run it on the CUDA machine, see README
 * "Verifying a GPU worker"): lists the host's capabilities as a worker would register them, fails unless
 * @tensorflow/tfjs-node-gpu loads and is the backend `auto` picks, then trains M1g's network (784-400-
 * 240-120-47, batch 512, Adam, synthetic data) on it and on wasm in the same run and prints both
 * throughputs and their ratio. Exit code 0 only when the GPU backend trained faster than wasm.
 */
import { DEFAULT_CONFIG, withOverrides } from '../config/schema';
import { initBackend, probeCapabilities } from '../engine/backend';
import { hostCores } from '../parallel/threads';
import { measureThroughput } from './throughput';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const caps = await probeCapabilities();
  console.log(`host: ${caps.cores} cores, ${(caps.memoryBytes / 2 ** 30).toFixed(0)} GiB`);
  for (const b of caps.backends) console.log(`  ${b.backend.padEnd(10)} ${b.device.padEnd(4)} ${b.detail}`);
  const gpu = caps.backends.find((b) => b.backend === 'tensorflow' && b.device === 'gpu');
  if (!gpu) {
    console.error('FAIL: @tensorflow/tfjs-node-gpu does not load on this host. Install it (npm install @tensorflow/tfjs-node-gpu, which downloads libtensorflow) and CUDA 11.2 + cuDNN 8.1 with a driver ≥ 450, then run again.');
    process.exit(1);
  }
  const chosen = await initBackend('auto');
  if (chosen !== 'tensorflow') {
    console.error(`FAIL: backend "auto" chose ${chosen}, not tensorflow`);
    process.exit(1);
  }
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const config = withOverrides(DEFAULT_CONFIG, { optimizer: 'adam' });
  console.log(`\nM1g network, batch 512, Adam, ${seconds}s per figure`);
  const onGpu = await measureThroughput({ ...config, backend: 'tensorflow' }, [400, 240, 120], { seconds });
  console.log(`  tensorflow (${gpu.detail}): ${fmt(onGpu.samplesPerSecond)} samples/s`);
  await initBackend('wasm');
  const threads = hostCores();
  const onWasm = await measureThroughput({ ...config, backend: 'wasm' }, [400, 240, 120], { seconds, threads });
  console.log(`  wasm × ${threads} threads: ${fmt(onWasm.samplesPerSecond)} samples/s`);
  const ratio = onGpu.samplesPerSecond / onWasm.samplesPerSecond;
  console.log(`  GPU / wasm: ${ratio.toFixed(1)}×`);
  if (ratio <= 1) {
    console.error('FAIL: the GPU backend was not faster than wasm on this host');
    process.exit(1);
  }
  console.log('OK: this host can serve runs that ask for the tensorflow backend on its GPU');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
