/**
 * Native matrix products for the tfjs wasm backend: BatchMatMul and _FusedMatMul call OpenBLAS's
 * `cblas_sgemm` on the wasm heap itself. The operands and the output are Float32Array views of the
 * backend's WebAssembly.Memory, so nothing is copied; transpose flags go to sgemm as they are (no
 * explicit transpose). Everything else (elementwise ops, reductions, the optimiser) stays on wasm, so
 * both engines and evaluation keep their code and gain the BLAS speed where their time goes: one
 * 512×784×400 product runs at ≈79 GFLOP/s here against ≈7 for the stock wasm kernel.
 *
 * Sum over the rows of a matrix (the bias gradient Σ_rows dz, in both engines) becomes an sgemv with a
 * vector of ones: the wasm kernel transposes the matrix first and took a sixth of an M1g step.
 *
 * _FusedMatMul's bias and activation are applied after the product by the backend's own kernels (Add,
 * Relu, …): O(m·n) work beside the product's O(m·n·k). Shapes the override does not handle (non-float32,
 * batch dimensions that broadcast other than from 1) go to the kernels it replaced.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { OpenBlas } from './openblas';

/** The parts of tfjs-backend-wasm's BackendWasm this module reads. */
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): void;
}

interface MatMulAttrs extends NamedAttrMap {
  transposeA: boolean;
  transposeB: boolean;
}

const ACTIVATION_KERNELS: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', leakyrelu: 'LeakyRelu', prelu: 'Prelu' };

let registeredWith: OpenBlas | null = null;
/** While set, the overrides hand every product to the kernels they replaced (withWasmKernels). */
let bypass = false;

/** The float32 values of a tensor on the wasm heap, as a view (valid until the heap grows). */
function heapView(backend: WasmBackend, t: TensorInfo, length: number): Float32Array {
  const offset = backend.dataIdMap.get(t.dataId)!.memoryOffset;
  return new Float32Array(backend.wasm.HEAPU8.buffer, offset, length);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * A float32 tensor's values where the wasm backend holds them (a view, not a copy: read it before the
 * next tfjs op, which may grow the heap), or null on another backend. dataSync() would copy them first.
 */
export function wasmHeapValues(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as WasmBackend;
  const entry = backend.dataIdMap.get(t.dataId);
  return entry ? new Float32Array(backend.wasm.HEAPU8.buffer, entry.memoryOffset, t.size) : null;
}

/**
 * op(A)·op(B) through sgemm, or null when the operands need the stock kernel. Batch dimensions are
 * flattened; a batch of 1 on either side broadcasts against the other's.
 */
function blasProduct(blas: OpenBlas, backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null; // the stock kernel reports the shape mismatch in its own words
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = size(outerA);
  const batchB = size(outerB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const outer = batchA >= batchB ? outerA : outerB;
  if (batchA === batchB && outerA.length !== outerB.length) return null;
  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput([...outer, m, n], 'float32');
  if (m * n * batch === 0) return out;
  const c = heapView(backend, out, batch * m * n);
  if (k === 0) {
    c.fill(0);
    return out;
  }
  // Views are made after makeOutput: an allocation may grow the heap and detach earlier views.
  const av = heapView(backend, a, batchA * m * k);
  const bv = heapView(backend, b, batchB * k * n);
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? av : av.subarray(i * m * k, (i + 1) * m * k);
    const bi = batchB === 1 ? bv : bv.subarray(i * k * n, (i + 1) * k * n);
    blas.sgemm(transposeA, transposeB, m, n, k, ai, bi, batch === 1 ? c : c.subarray(i * m * n, (i + 1) * m * n));
  }
  return out;
}

/** BatchMatMul on sgemm, falling back to `stock` for what it does not handle. */
function batchMatMul(blas: OpenBlas, stock: KernelFunc): KernelFunc {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as MatMulAttrs;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (bypass) return stock(args);
    return blasProduct(blas, args.backend as WasmBackend, a, b, transposeA, transposeB) ?? stock(args);
  };
}

/** _FusedMatMul: sgemm, then the bias and the activation with the backend's own kernels. */
function fusedMatMul(blas: OpenBlas, stock: KernelFunc): KernelFunc {
  return (args) => {
    const attrs = args.attrs as MatMulAttrs & { activation: string; leakyreluAlpha?: number };
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const backend = args.backend as WasmBackend;
    const activation = attrs.activation ?? 'linear';
    if (bypass) return stock(args);
    if (activation !== 'linear' && !ACTIVATION_KERNELS[activation]) return stock(args);
    const product = blasProduct(blas, backend, a!, b!, attrs.transposeA, attrs.transposeB);
    if (!product) return stock(args);
    let out = product;
    const step = (kernel: string, inputs: Record<string, TensorInfo>, kernelAttrs: NamedAttrMap = {}) => {
      const next = tf.getKernel(kernel, 'wasm')!.kernelFunc({ inputs, attrs: kernelAttrs, backend: args.backend }) as TensorInfo;
      backend.disposeData(out.dataId);
      out = next;
    };
    if (bias) step('Add', { a: out, b: bias });
    if (activation === 'prelu') step('Prelu', { x: out, alpha: preluActivationWeights! });
    else if (activation === 'leakyrelu') step('LeakyRelu', { x: out }, { alpha: attrs.leakyreluAlpha ?? 0.2 });
    else if (activation !== 'linear') step(ACTIVATION_KERNELS[activation], { x: out });
    return out;
  };
}

/** Sum over axis 0 of a float32 matrix on sgemv; any other reduction goes to `stock`. */
function columnSum(blas: OpenBlas, stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.shape.length : a));
    if (bypass || x.dtype !== 'float32' || x.shape.length !== 2 || axes.length !== 1 || axes[0] !== 0) return stock(args);
    const [m, n] = x.shape;
    if (m === 0 || n === 0) return stock(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(keepDims ? [1, n] : [n], 'float32');
    blas.columnSums(m, n, heapView(backend, x, m * n), heapView(backend, out, n));
    return out;
  };
}

/**
 * Replaces the wasm backend's BatchMatMul, _FusedMatMul and Sum with BLAS-backed kernels (once per thread;
 * call after the wasm backend is initialised and after any other override of the same kernels, whose
 * version becomes the fallback).
 */
export function registerWasmBlasMatMul(blas: OpenBlas): void {
  if (registeredWith) return;
  const kernels: [string, (blas: OpenBlas, stock: KernelFunc) => KernelFunc][] = [['BatchMatMul', batchMatMul], ['_FusedMatMul', fusedMatMul], ['Sum', columnSum]];
  for (const [kernelName, make] of kernels) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original) throw new Error(`the wasm backend has no ${kernelName} kernel to replace`);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: make(blas, original.kernelFunc) });
  }
  registeredWith = blas;
}

/** The library the wasm matrix products run on in this thread, or null (the wasm kernels). */
export function wasmMatMulLibrary(): OpenBlas | null {
  return registeredWith;
}

/** True inside withWasmKernels: the native kernels (and the fused optimiser updates) step aside. */
export function usingWasmKernels(): boolean {
  return bypass;
}

/**
 * Runs `fn` with this thread's matrix products on the wasm kernels the overrides replaced, so a test
 * can compare the two paths on the same weights in one process. `fn` may be async (a whole run on one
 * thread): the switch holds until its promise settles, for everything on this thread meanwhile.
 */
export function withWasmKernels<T>(fn: () => T): T {
  bypass = true;
  let result: T;
  try {
    result = fn();
  } catch (err) {
    bypass = false;
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => (bypass = false)) as T;
  bypass = false;
  return result;
}
