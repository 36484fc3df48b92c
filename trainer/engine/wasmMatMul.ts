/**
 * A kernel override for the wasm backend: matrix products with transpose flags become an explicit
 * Transpose followed by a flag-free product.
 *
 * Why: on tfjs-backend-wasm 4.x, BatchMatMul with transposeA/transposeB runs at ≈2 GFLOP/s while an
 * explicit transpose plus a plain product runs at ≈13–15 (measured; see ../shared/DESIGN.md). Every
 * backward pass needs Xᵀ·dZ and dZ·Wᵀ, and autograd's MatMul gradient always uses the flags, so both
 * engines (hand-written backprop and tf.layers) would pay it. Fixing it once, at the kernel, keeps the
 * engines' code natural (`tf.matMul(x, dz, true, false)`) and fast.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

let registered = false;
/** The kernels as tfjs shipped them, kept for the benchmark that measures what the override buys. */
const stock = new Map<string, KernelFunc>();

export function stockWasmKernel(name: 'BatchMatMul' | '_FusedMatMul'): KernelFunc | undefined {
  return stock.get(name);
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** Wraps a matmul-like kernel so that flagged operands are transposed explicitly first. */
function withExplicitTranspose(original: KernelConfig, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const attrs = args.attrs as NamedAttrMap & { transposeA: boolean; transposeB: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const backend = args.backend as { disposeData(id: object): void };
    const inputs = { ...args.inputs } as Record<string, TensorInfo>;
    const temporaries: TensorInfo[] = [];
    for (const [key, flag] of [['a', attrs.transposeA], ['b', attrs.transposeB]] as const) {
      if (!flag) continue;
      const t = transpose({ inputs: { x: inputs[key] }, attrs: { perm: swapLastTwo(inputs[key].shape.length) }, backend: args.backend }) as TensorInfo;
      temporaries.push(t);
      inputs[key] = t;
    }
    const out = original.kernelFunc({ ...args, inputs, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temporaries) backend.disposeData(t.dataId);
    return out;
  };
}

/** Installs the override for BatchMatMul and _FusedMatMul on the wasm backend (idempotent). */
export function registerWasmTransposeFreeMatMul(): void {
  if (registered) return;
  const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc;
  if (!transpose) return;
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original) continue;
    stock.set(kernelName, original.kernelFunc);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: withExplicitTranspose(original, transpose) });
  }
  registered = true;
}
