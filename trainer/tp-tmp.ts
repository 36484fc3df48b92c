import { initBackend } from './engine/backend';
import { DEFAULT_CONFIG, withOverrides } from './config/schema';
import { measureThroughput } from './bench/throughput';
const backend = await initBackend('wasm');
const adam = withOverrides(DEFAULT_CONFIG, { optimizer: 'adam', backend });
for (const t of [2]) for (const h of [[400, 240, 120]]) {
  
  const f = await measureThroughput(adam, h, { seconds: 4, threads: t, warmup: 3, images: 512 * 120 });

  console.log(t, f.network, Math.round(f.samplesPerSecond), f.msPerStep.toFixed(1), (f.peakRss/2**20).toFixed(0), 'cores', f.coresBusy.toFixed(2));
}
