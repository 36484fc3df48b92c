/**
 * Chooses and initialises the tfjs backend, best first: `tensorflow` (native libtensorflow from
 * @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, when installed and loadable), `wasm`, then `cpu`.
 * The native packages are optional dependencies: they cannot install on machines without access to
 * their binary download, so their absence is normal and silently falls through to wasm.
 * Every result records the backend it actually ran on (`activeBackend()`).
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmTransposeFreeMatMul } from './wasmMatMul';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

const require = createRequire(import.meta.url);
let initialised: BackendName | null = null;

async function tryNative(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // Importing the package registers the 'tensorflow' backend on the shared tfjs-core engine.
      await import(/* @vite-ignore */ pkg);
      if (tf.findBackend('tensorflow') && (await tf.setBackend('tensorflow'))) return true;
    } catch {
      // Not installed or its native library failed to load: try the next one.
    }
  }
  return false;
}

async function tryWasm(): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm binaries are read from the package folder, never fetched from a CDN.
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(dist + path.sep);
    if (!(await tf.setBackend('wasm'))) return false;
    registerWasmTransposeFreeMatMul();
    return true;
  } catch {
    return false;
  }
}

/**
 * Initialises the requested backend (or the best available for 'auto') once per process and returns
 * its name. Asking for a specific backend that cannot load is an error that says what to do.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  if (initialised && (choice === 'auto' || choice === initialised)) return initialised;
  const order: BackendName[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  for (const name of order) {
    const ok = name === 'tensorflow' ? await tryNative() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu');
    if (ok) {
      await tf.ready();
      initialised = name;
      return name;
    }
  }
  throw new Error(
    choice === 'tensorflow'
      ? 'Backend "tensorflow" is not available: install @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node, or use --backend wasm'
      : `Backend "${choice}" could not be initialised; try --backend cpu`,
  );
}

export function activeBackend(): BackendName {
  return tf.getBackend() as BackendName;
}
