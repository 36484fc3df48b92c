/**
 * THE backend registry: every tfjs backend the trainer can run on is one row of BACKENDS, best first —
 * `tensorflow` (native libtensorflow from @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node, when
 * installed and loadable), `wasm` (its matrix products on OpenBLAS when the library loads: the native CPU
 * path, see wasmBlasMatMul.ts; else on the wasm kernels), then `cpu`. A row says how to activate the
 * backend, how to probe it without activating it (for a worker to register), and what to tell a user
 * who asked for it by name when it cannot load. Adding a backend is adding a row.
 *
 * The native packages are optional dependencies: they cannot install on machines without access to
 * their binary download, so their absence is normal and silently falls through to wasm. OpenBLAS is a
 * system package: where it is missing, the wasm row still loads, and `nativeKernelsNotice()` gives the
 * one line (how much slower, and the command that fixes it) that `npm start`, `npm run worker` and
 * `npm run train` print. Every result records the backend, kernel library and threads it ran on
 * (`activeBackend()`, `kernelLibrary()`, `describeCompute()`).
 *
 * The choice itself (selectBackend) runs against a BackendLoaders interface, so a test can run it against
 * a fake registry; probeCapabilities says what this host offers without changing the active backend.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { registerWasmTransposeFreeMatMul } from './wasmMatMul';
import { registerWasmBlasMatMul, wasmMatMulLibrary } from './wasmBlasMatMul';
import { registerWasmFusedOptimizer } from './wasmFusedOptimizer';
import { loadOpenBlas, OPENBLAS_INSTALL } from './openblas';

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

/** One way this host can train: a backend, and for `tensorflow` the device it computes on. */
export interface BackendCapability {
  backend: BackendName;
  /** 'gpu' for tfjs-node-gpu, else 'cpu' (tfjs-node, wasm and cpu all compute on the processor). */
  device: 'gpu' | 'cpu';
  /** e.g. "NVIDIA H100 80GB HBM3" (from nvidia-smi), "@tensorflow/tfjs-node", "WebAssembly SIMD + OpenBLAS 0.3.21". */
  detail: string;
  /** The library its matrix products run on, e.g. "OpenBLAS 0.3.21" (absent where the backend's own kernels do). */
  kernels?: string;
}

/** What probing needs, injectable for tests: can a package be loaded, the GPU names (nvidia-smi), the BLAS library. */
export interface CapabilityProbes {
  loads(pkg: string): Promise<boolean>;
  gpuNames(): Promise<string[]>;
  cores(): number;
  memoryBytes(): number;
  /** The native BLAS the wasm backend would use ("OpenBLAS 0.3.21"), or null. */
  blas?(): string | null;
}

/** One row of the registry. */
interface BackendEntry {
  name: BackendName;
  /** Activates it; the selection, or null when it cannot load here. */
  activate(loaders: BackendLoaders): Promise<BackendSelection | null>;
  /** What it offers on this host, without activating it (none when it cannot load). */
  probe(probes: CapabilityProbes): Promise<BackendCapability[]>;
  /** What to tell a user who asked for this backend by name when it cannot load. */
  unavailable: string;
}

const WASM_DETAIL = 'WebAssembly SIMD (@tensorflow/tfjs-backend-wasm)';

/** The registry, best first: the order 'auto' tries and the order capabilities are listed in. */
export const BACKENDS: readonly BackendEntry[] = [
  {
    name: 'tensorflow',
    async activate(loaders) {
      for (const pkg of NATIVE_PACKAGES) if (await loaders.native(pkg)) return { backend: 'tensorflow', nativePackage: pkg };
      return null;
    },
    async probe(probes) {
      if (await probes.loads('@tensorflow/tfjs-node-gpu')) {
        const gpus = await probes.gpuNames();
        return [{ backend: 'tensorflow', device: 'gpu', detail: gpus.length ? gpus.join(', ') : '@tensorflow/tfjs-node-gpu (GPU name unknown: nvidia-smi not found)' }];
      }
      if (await probes.loads('@tensorflow/tfjs-node')) return [{ backend: 'tensorflow', device: 'cpu', detail: '@tensorflow/tfjs-node' }];
      return [];
    },
    unavailable: 'Backend "tensorflow" is not available: install @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node, or use --backend wasm',
  },
  {
    name: 'wasm',
    activate: async (loaders) => ((await loaders.wasm()) ? { backend: 'wasm' } : null),
    async probe(probes) {
      if (!(await probes.loads('@tensorflow/tfjs-backend-wasm'))) return [];
      const blas = probes.blas?.() ?? null;
      return [blas ? { backend: 'wasm', device: 'cpu', detail: `WebAssembly SIMD + ${blas}`, kernels: blas } : { backend: 'wasm', device: 'cpu', detail: WASM_DETAIL }];
    },
    unavailable: 'Backend "wasm" could not be initialised; try --backend cpu',
  },
  {
    name: 'cpu',
    activate: async (loaders) => ((await loaders.cpu()) ? { backend: 'cpu' } : null),
    probe: async () => [{ backend: 'cpu', device: 'cpu', detail: 'plain JavaScript (@tensorflow/tfjs)' }],
    unavailable: 'Backend "cpu" could not be initialised',
  },
];

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
    } catch {
      return false;
    }
    registerWasmTransposeFreeMatMul();
    // The native CPU path: matrix products on OpenBLAS. Without it the run trains on the wasm kernels.
    const { lib } = loadOpenBlas();
    if (lib) {
      registerWasmBlasMatMul(lib);
      registerWasmFusedOptimizer();
    }
    return true;
  },
  cpu: () => tf.setBackend('cpu'),
};

/**
 * The selection logic: for 'auto', the rows of BACKENDS in order; for a named backend, only that row.
 * Throws a message that says what to do when nothing loads.
 */
export async function selectBackend(choice: BackendChoice, loaders: BackendLoaders): Promise<BackendSelection> {
  const rows = choice === 'auto' ? BACKENDS : BACKENDS.filter((b) => b.name === choice);
  for (const row of rows) {
    const selected = await row.activate(loaders);
    if (selected) return selected;
  }
  throw new Error(rows.length === 1 ? rows[0].unavailable : `Backend "${choice}" could not be initialised; try --backend cpu`);
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

/**
 * The library the active backend's matrix products run on: "OpenBLAS 0.3.21" on the native CPU path,
 * "XNNPACK" for tfjs's own wasm kernels, "libtensorflow" and "JavaScript" for the others.
 */
export function kernelLibrary(backend: string = activeBackend()): string {
  if (backend === 'wasm') return wasmMatMulLibrary()?.name ?? 'XNNPACK';
  if (backend === 'tensorflow') return 'libtensorflow';
  if (backend === 'cpu') return 'JavaScript';
  return backend;
}

/**
 * Sets the native BLAS's threads for this process (every replica thread shares them); true when the
 * active backend's matrix products run on it, false (and nothing set) otherwise.
 */
export function setKernelThreads(threads: number): boolean {
  const lib = activeBackend() === 'wasm' ? wasmMatMulLibrary() : null;
  if (lib && lib.threads() !== threads) lib.setThreads(threads);
  return !!lib;
}

/** "wasm + OpenBLAS 0.3.21, 2 threads": what a result records and the pages show. */
export function describeCompute(backend: string, kernels: string, threads: number): string {
  return `${backend} + ${kernels}, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * Throughput of the wasm kernels against OpenBLAS's for M1g training, measured with `npm run bench`
 * (same run, 2 threads; trainer/README.md): the factor a missing OpenBLAS costs.
 */
export const NATIVE_SPEEDUP = 3;

/**
 * One line for the user when the native CPU path is off on a CPU host (null when it is on, or when the
 * active backend is not wasm): how much slower, and the command that fixes it. Never an error: the run
 * trains on the wasm kernels.
 */
export function nativeKernelsNotice(backend: string = activeBackend()): string | null {
  const { lib, reason } = loadOpenBlas();
  if (backend !== 'wasm' || lib) return null;
  if (/NATIVE_BLAS=0/.test(reason)) return `native CPU kernels off (NATIVE_BLAS=0): training on the wasm kernels, about ${NATIVE_SPEEDUP}× slower`;
  return `native CPU kernels unavailable (${reason}): training on the wasm kernels, about ${NATIVE_SPEEDUP}× slower; to fix: ${OPENBLAS_INSTALL}`;
}

export function activeBackend(): BackendName {
  return tf.getBackend() as BackendName;
}

export interface HostCapabilities {
  /** Best first, in the order 'auto' would choose them. */
  backends: BackendCapability[];
  /** Cores this process may use. */
  cores: number;
  memoryBytes: number;
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
  blas: () => loadOpenBlas().lib?.name ?? null,
};

/** The backends this host offers, best first, with cores and memory (for a worker to register). */
export async function probeCapabilities(probes: CapabilityProbes = realProbes): Promise<HostCapabilities> {
  const backends: BackendCapability[] = [];
  for (const row of BACKENDS) backends.push(...(await row.probe(probes)));
  return { backends, cores: probes.cores(), memoryBytes: probes.memoryBytes() };
}
