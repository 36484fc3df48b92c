/**
 * Measures what the wasm matmul kernel override buys: the stock kernel with transposeA against the
 * override (explicit Transpose, then a flag-free product), on the shape of M1g's first-layer dW.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { stockWasmKernel } from '../engine/wasmMatMul';

function timeMs(f: () => void, repeats = 10): number {
  for (let i = 0; i < 2; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) f();
  return (performance.now() - t0) / repeats;
}

export function benchTransposedMatMul(): { stockMs: number; overrideMs: number; stockGflops: number; overrideGflops: number } {
  const a = tf.randomNormal([512, 784], 0, 1, 'float32', 1);
  const b = tf.randomNormal([512, 400], 0, 1, 'float32', 2);
  const flops = 2 * 512 * 784 * 400;
  const overrideMs = timeMs(() => tf.tidy(() => void tf.matMul(a, b, true, false).dataSync()));
  const stock = stockWasmKernel('BatchMatMul') as KernelFunc;
  const backend = tf.backend();
  const stockMs = timeMs(() => {
    const out = stock({ inputs: { a, b }, attrs: { transposeA: true, transposeB: false }, backend }) as TensorInfo;
    backend.readSync(out.dataId);
    backend.disposeData(out.dataId);
  });
  tf.dispose([a, b]);
  return { stockMs, overrideMs, stockGflops: flops / stockMs / 1e6, overrideGflops: flops / overrideMs / 1e6 };
}
