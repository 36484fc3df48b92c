/**
 * Chooses and initialises the tfjs backend, best first: `tensorflow` (native libtensorflow from
 * @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node, when installed and loadable), `wasm`, then `cpu`.
 * The native packages are optional dependencies: they cannot install on machines without access to
 * their binary download, so their absence is normal and silently falls through to wasm.
 * Every result records the backend it actually ran on (`activeBackend()`).
 *
 * The choice itself (selectBackend) runs against a BackendLoaders interface, so a test can run it against
 * a fake registry; probeCapabilities says what this host offers (for a worker to register) without
 * changing the active backend.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { registerWasmTransposeFreeMatMul } from './wasmMatMul';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';

/** Native packages in order of preference: the CUDA build first. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type NativePackage = (typeof NATIVE_PACKAGES)[number];

/** How each backend is made active; initBackend uses the real ones, tests a fake. */
export interface BackendLoaders {
  /** Loads a native package and activates its 'tensorflow' backend; false when absent or it fails to load. */
  native(pkg: NativePackage): Promise<boolean>;
  wasm(): Promise<boolean>;
  cpu(): Promise<boolean>;
}

export interface BackendSelection {
  backend: BackendName;
  /** The native package that provided `tensorflow`. */
  nativePackage?: NativePackage;
}

const require = createRequire(import.meta.url);
let initialised: BackendName | null = null;

const realLoaders: BackendLoaders = {
  async native(pkg) {
    try {
      // Importing the package registers the 'tensorflow' backend on the shared tfjs-core engine.
      await import(/* @vite-ignore */ pkg);
      return !!tf.findBackend('tensorflow') && (await tf.setBackend('tensorflow'));
    } catch {
      return false; // not installed, or its native library failed to load
    }
  },
  async wasm() {
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
  },
  cpu: () => tf.setBackend('cpu'),
};

/**
 * The selection logic: for 'auto', the native packages in NATIVE_PACKAGES order, then wasm, then cpu;
 * for a named backend, only that one. Throws a message that says what to do when nothing loads.
 */
export async function selectBackend(choice: BackendChoice, loaders: BackendLoaders): Promise<BackendSelection> {
  const order: BackendName[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  for (const name of order) {
    if (name === 'tensorflow') {
      for (const pkg of NATIVE_PACKAGES) if (await loaders.native(pkg)) return { backend: 'tensorflow', nativePackage: pkg };
    } else if (await loaders[name]()) {
      return { backend: name };
    }
  }
  throw new Error(
    choice === 'tensorflow'
      ? 'Backend "tensorflow" is not available: install @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node, or use --backend wasm'
      : `Backend "${choice}" could not be initialised; try --backend cpu`,
  );
}

/**
 * Initialises the requested backend (or the best available for 'auto') once per process and returns
 * its name. Asking for a specific backend that cannot load is an error that says what to do.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  if (initialised && (choice === 'auto' || choice === initialised)) return initialised;
  const { backend } = await selectBackend(choice, realLoaders);
  await tf.ready();
  initialised = backend;
  return backend;
}

export function activeBackend(): BackendName {
  return tf.getBackend() as BackendName;
}

/** One way this host can train: a backend, and for `tensorflow` the device it computes on. */
export interface BackendCapability {
  backend: BackendName;
  /** 'gpu' for tfjs-node-gpu, else 'cpu' (tfjs-node, wasm and cpu all compute on the processor). */
  device: 'gpu' | 'cpu';
  /** e.g. "NVIDIA H100 80GB HBM3" (from nvidia-smi), "@tensorflow/tfjs-node", "WebAssembly SIMD". */
  detail: string;
}

export interface HostCapabilities {
  /** Best first, in the order 'auto' would choose them. */
  backends: BackendCapability[];
  /** Cores this process may use. */
  cores: number;
  memoryBytes: number;
}

/** What probing needs, injectable for tests: can a package be loaded, and the GPU names (nvidia-smi). */
export interface CapabilityProbes {
  loads(pkg: string): Promise<boolean>;
  gpuNames(): Promise<string[]>;
  cores(): number;
  memoryBytes(): number;
}

const realProbes: CapabilityProbes = {
  async loads(pkg) {
    try {
      await import(/* @vite-ignore */ pkg); // registers, never activates, the backend it provides
      return true;
    } catch {
      return false;
    }
  },
  gpuNames: () =>
    new Promise((resolve) => {
      execFile('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 5000 }, (err, stdout) =>
        resolve(err ? [] : stdout.split('\n').map((s) => s.trim()).filter(Boolean)),
      );
    }),
  cores: () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
  memoryBytes: () => os.totalmem(),
};

/** The backends this host offers, best first, with cores and memory (for a worker to register). */
export async function probeCapabilities(probes: CapabilityProbes = realProbes): Promise<HostCapabilities> {
  const backends: BackendCapability[] = [];
  if (await probes.loads('@tensorflow/tfjs-node-gpu')) {
    const gpus = await probes.gpuNames();
    backends.push({ backend: 'tensorflow', device: 'gpu', detail: gpus.length ? gpus.join(', ') : '@tensorflow/tfjs-node-gpu (GPU name unknown: nvidia-smi not found)' });
  } else if (await probes.loads('@tensorflow/tfjs-node')) {
    backends.push({ backend: 'tensorflow', device: 'cpu', detail: '@tensorflow/tfjs-node' });
  }
  if (await probes.loads('@tensorflow/tfjs-backend-wasm')) backends.push({ backend: 'wasm', device: 'cpu', detail: 'WebAssembly SIMD (@tensorflow/tfjs-backend-wasm)' });
  backends.push({ backend: 'cpu', device: 'cpu', detail: 'plain JavaScript (@tensorflow/tfjs)' });
  return { backends, cores: probes.cores(), memoryBytes: probes.memoryBytes() };
}
