/**
 * The native kernel library: OpenBLAS (Debian's `libopenblas0-pthread`) loaded through koffi, an FFI
 * whose prebuilt binaries ship inside its npm package, so nothing is compiled at install. It exposes
 * `cblas_sgemm` on Float32Array views, which koffi passes to C as plain pointers without copying: a
 * view of the tfjs wasm backend's heap is multiplied in place (wasmBlasMatMul.ts).
 *
 * Loading never throws: `loadOpenBlas()` returns the library, or null with the reason (not installed,
 * disabled by NATIVE_BLAS=0, koffi missing), which backend.ts turns into one line for the user. Each
 * worker thread loads its own binding (koffi is per isolate); the library and its thread count are
 * per process, shared by every thread that calls it: one thread from the main thread's load on, until
 * a run sets its plan (backend.ts setKernelThreads).
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** CBLAS constants (cblas.h). */
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** The shared-library names tried, in order: Debian's alternatives link, then the pthread build itself. */
export const OPENBLAS_LIBRARIES = ['libopenblas.so.0', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0', 'libopenblas.so', 'libopenblas.dylib'];

/** The one command that installs the library on Debian/Ubuntu (printed when it is missing). */
export const OPENBLAS_INSTALL = 'apt-get install libopenblas0-pthread';

export interface OpenBlas {
  /** e.g. "OpenBLAS 0.3.21" */
  name: string;
  /** openblas_get_config(): version, build options and the core type it picked. */
  config: string;
  /** C[m×n] = op(A)·op(B) in row-major order; A is m×k (k×m when transA), B k×n (n×k when transB). */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void;
  /** out[j] = Σ_i A[i][j] for a row-major m×n A (sgemv with a vector of ones): a batch's column sums. */
  columnSums(m: number, n: number, a: Float32Array, out: Float32Array): void;
  /** OpenBLAS's own thread count (process-wide). */
  setThreads(threads: number): void;
  threads(): number;
}

let cached: { lib: OpenBlas | null; reason: string } | null = null;

/** True unless NATIVE_BLAS is set to 0/false/off (to measure or test the pure wasm path). */
export function nativeBlasAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(0|false|off|no)$/i.test(env.NATIVE_BLAS ?? '');
}

/** OpenBLAS through koffi, or null with why not (loaded once per thread). */
export function loadOpenBlas(): { lib: OpenBlas | null; reason: string } {
  if (cached) return cached;
  cached = tryLoad();
  return cached;
}

function tryLoad(): { lib: OpenBlas | null; reason: string } {
  if (!nativeBlasAllowed()) return { lib: null, reason: 'disabled by NATIVE_BLAS=0' };
  let koffi: typeof import('koffi');
  try {
    koffi = require('koffi') as typeof import('koffi');
  } catch (err) {
    return { lib: null, reason: `the koffi package does not load (${(err as Error).message.split('\n')[0]}); run npm ci` };
  }
  let library: ReturnType<typeof koffi.load> | null = null;
  for (const file of OPENBLAS_LIBRARIES) {
    try {
      library = koffi.load(file);
      break;
    } catch {
      // try the next name
    }
  }
  if (!library) return { lib: null, reason: 'OpenBLAS is not installed' };
  try {
    const sgemm = library.func('void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)');
    const sgemv = library.func('void cblas_sgemv(int order, int trans, int m, int n, float alpha, const float *a, int lda, const float *x, int incx, float beta, float *y, int incy)');
    let ones = new Float32Array(0);
    const getConfig = library.func('const char *openblas_get_config()');
    const setThreads = library.func('void openblas_set_num_threads(int n)');
    const getThreads = library.func('int openblas_get_num_threads()');
    const config = String(getConfig());
    const version = /OpenBLAS\s+([\d.]+)/.exec(config)?.[1] ?? 'unknown version';
    // One thread until a run says otherwise (planThreads): OpenBLAS would start a thread per core, and
    // replicas or other workers on the same cores would oversubscribe them. Replica threads leave the
    // process-wide count as their run set it.
    if (isMainThread) setThreads(1);
    return {
      reason: '',
      lib: {
        name: `OpenBLAS ${version}`,
        config,
        sgemm(transA, transB, m, n, k, a, b, c) {
          sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1, a, transA ? m : k, b, transB ? k : n, 0, c, n);
        },
        columnSums(m, n, a, out) {
          if (ones.length < m) ones = new Float32Array(m).fill(1);
          sgemv(ROW_MAJOR, TRANS, m, n, 1, a, n, ones, 1, 0, out, 1);
        },
        setThreads: (threads) => setThreads(threads),
        threads: () => getThreads() as number,
      },
    };
  } catch (err) {
    return { lib: null, reason: `the OpenBLAS found lacks cblas_sgemm (${(err as Error).message})` };
  }
}
