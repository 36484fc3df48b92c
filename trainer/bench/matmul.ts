/**
 * Measures what the matmul kernel overrides buy, on the shape of M1g's first-layer dW ([512×784]ᵀ·[512×400]):
 * the stock wasm kernel with transposeA, the transpose-free override (explicit Transpose, then a flag-free
 * product), and — where OpenBLAS loaded — the native kernel (sgemm on the wasm heap, wasmBlasMatMul.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { stockWasmKernel } from '../engine/wasmMatMul';
import { wasmMatMulLibrary, withWasmKernels } from '../engine/wasmBlasMatMul';

function timeMs(f: () => void, repeats = 10): number {
  for (let i = 0; i < 2; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) f();
  return (performance.now() - t0) / repeats;
}

export function benchTransposedMatMul(): { stockMs: number; overrideMs: number; stockGflops: number; overrideGflops: number; nativeMs: number | null; nativeGflops: number | null } {
  const a = tf.randomNormal([512, 784], 0, 1, 'float32', 1);
  const b = tf.randomNormal([512, 400], 0, 1, 'float32', 2);
  const flops = 2 * 512 * 784 * 400;
  const product = () => tf.tidy(() => void tf.matMul(a, b, true, false).dataSync());
  const overrideMs = timeMs(() => withWasmKernels(product));
  const nativeMs = wasmMatMulLibrary() ? timeMs(product) : null;
  const stock = stockWasmKernel('BatchMatMul') as KernelFunc;
  const backend = tf.backend();
  const stockMs = timeMs(() => {
    const out = stock({ inputs: { a, b }, attrs: { transposeA: true, transposeB: false }, backend }) as TensorInfo;
    backend.readSync(out.dataId);
    backend.disposeData(out.dataId);
  });
  tf.dispose([a, b]);
  return { stockMs, overrideMs, stockGflops: flops / stockMs / 1e6, overrideGflops: flops / overrideMs / 1e6, nativeMs, nativeGflops: nativeMs ? flops / nativeMs / 1e6 : null };
}
