/**
 * The optimiser updates as single kernels of the wasm backend: Adam (and momentum SGD) read θ, g and
 * their state once and write the new θ and state once, in one pass of 4-lane wasm SIMD over the
 * backend's heap, instead of the ten or so tfjs ops of optimizers.ts (each a pass over every parameter,
 * a new tensor and a dispatch): over M1g's 444,000 parameters that chain took about a third of a
 * one-thread native step.
 *
 * The maths stays identical, value for value: every lane op is the IEEE float32 operation the op chain's
 * kernel applies (f32x4.add/mul/div/sqrt round exactly as XNNPACK's kernels and the wasm Sqrt do), in the
 * same order, with the same float32 constants (what tf.scalar would hold). The few elements after the
 * last whole group of four go through the same sequence in JavaScript with Math.fround after each
 * operation. test/trainer/nativeKernels.test.ts compares the two bit for bit.
 *
 * The module is a hand-assembled wasm binary (no toolchain at install) that imports the backend's own
 * WebAssembly.Memory, so it works on the tensors where they are. The kernels are registered on the
 * native CPU path (backend.ts, beside the OpenBLAS products) and, like them, step aside inside
 * withWasmKernels (the comparison tests).
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { usingWasmKernels } from './wasmBlasMatMul';

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const ADAM_KERNEL = 'TrainerFusedAdam';
const MOMENTUM_KERNEL = 'TrainerFusedMomentum';

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes (WebAssembly core + fixed-width SIMD).
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const SIMD = (op: number) => [0xfd, ...leb(op)];
const load = (base: number, k: number) => [...get(base), ...get(k), 0x6a, ...SIMD(0x00), 0, 0]; // v128.load (base + k)
const store = (base: number, k: number, value: number[]) => [...get(base), ...get(k), 0x6a, ...value, ...SIMD(0x0b), 0, 0];
const splat = SIMD(0x13);
const sqrt = SIMD(0xe3);
const add = SIMD(0xe4);
const sub = SIMD(0xe5);
const mul = SIMD(0xe6);
const div = SIMD(0xe7);

/** for (k = 0; k < nbytes; k += 16) body  (k: local `k`, nbytes: local `bytes`) */
const loop = (k: number, bytes: number, body: number[]) => [0x02, 0x40, 0x03, 0x40, ...get(k), ...get(bytes), 0x4f, 0x0d, 1, ...body, ...get(k), 0x41, 16, 0x6a, ...set(k), 0x0c, 0, 0x0b, 0x0b];

/**
 * adam(θ, g, m, v, θ', m', v', bytes, β1, 1−β1, β2, 1−β2, ε̂, step):
 *   m' = m·β1 + g·(1−β1);  v' = v·β2 + (g·g)·(1−β2);  θ' = θ − (m' / (√v' + ε̂))·step
 * momentum(θ, g, v, θ', v', bytes, β, η):  v' = v·β + g;  θ' = θ − v'·η
 */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  // adam: params 0–7 i32, 8–13 f32; locals 14 k (i32), 15–20 splats, 21 g, 22 m', 23 v'
  const adam = [
    ...vec([
      [1, I32],
      [9, V128],
    ]),
    ...[8, 9, 10, 11, 12, 13].flatMap((p, i) => [...get(p), ...splat, ...set(15 + i)]),
    ...loop(14, 7, [
      ...load(1, 14), ...set(21),
      ...load(2, 14), ...get(15), ...mul, ...get(21), ...get(16), ...mul, ...add, ...set(22),
      ...store(5, 14, get(22)),
      ...load(3, 14), ...get(17), ...mul, ...get(21), ...get(21), ...mul, ...get(18), ...mul, ...add, ...set(23),
      ...store(6, 14, get(23)),
      ...store(4, 14, [...load(0, 14), ...get(22), ...get(23), ...sqrt, ...get(19), ...add, ...div, ...get(20), ...mul, ...sub]),
    ]),
    0x0b,
  ];
  // momentum: params 0–5 i32 (θ, g, v, θ', v', bytes), 6–7 f32; locals 8 k, 9–10 splats, 11 v'
  const momentum = [
    ...vec([
      [1, I32],
      [3, V128],
    ]),
    ...get(6), ...splat, ...set(9),
    ...get(7), ...splat, ...set(10),
    ...loop(8, 5, [
      ...load(2, 8), ...get(9), ...mul, ...load(1, 8), ...add, ...set(11),
      ...store(4, 8, get(11)),
      ...store(3, 8, [...load(0, 8), ...get(11), ...get(10), ...mul, ...sub]),
    ]),
    0x0b,
  ];
  const types = vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [F32], [F32], [F32], [F32], [F32], [F32]]), 0],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [F32], [F32]]), 0],
  ]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name('adam'), 0x00, 0], [...name('momentum'), 0x00, 1]])),
    ...section(10, vec([[...leb(adam.length), ...adam], [...leb(momentum.length), ...momentum]])),
  ]);
}

interface Exports {
  adam(...args: number[]): void;
  momentum(...args: number[]): void;
}

let registered = false;

const f = Math.fround;

/** The kernels, for the wasm backend whose memory `backend` is; false when they cannot run here. */
export function registerWasmFusedOptimizer(): boolean {
  if (registered) return true;
  const backend = tf.findBackend('wasm') as unknown as WasmBackend | null;
  const memory = backend?.wasm.asm?.memory;
  if (!backend || !memory || !(memory instanceof WebAssembly.Memory)) return false;
  const bytes = moduleBytes();
  if (!WebAssembly.validate(bytes)) return false;
  const code = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Exports;
  const offset = (t: TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  const heap = (t: TensorInfo, n: number) => new Float32Array(memory.buffer, offset(t), n);

  tf.registerKernel({
    kernelName: ADAM_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { theta, g, m, v } = inputs as Record<string, TensorInfo>;
      const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsHat, stepSize } = attrs as Record<string, number>;
      const n = theta.shape.reduce((a, b) => a * b, 1);
      const outs = [theta, m, v].map((t) => backend.makeOutput(t.shape.slice(), 'float32'));
      const whole = n - (n % 4);
      code.adam(offset(theta), offset(g), offset(m), offset(v), offset(outs[0]), offset(outs[1]), offset(outs[2]), whole * 4, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsHat, stepSize);
      if (whole < n) {
        const [T, G, M, V, T2, M2, V2] = [theta, g, m, v, ...outs].map((t) => heap(t, n));
        for (let i = whole; i < n; i++) {
          const mi = f(f(M[i] * beta1) + f(G[i] * oneMinusBeta1));
          const vi = f(f(V[i] * beta2) + f(f(G[i] * G[i]) * oneMinusBeta2));
          M2[i] = mi;
          V2[i] = vi;
          T2[i] = f(T[i] - f(f(mi / f(f(Math.sqrt(vi)) + epsHat)) * stepSize));
        }
      }
      return outs;
    },
  });
  tf.registerKernel({
    kernelName: MOMENTUM_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { theta, g, v } = inputs as Record<string, TensorInfo>;
      const { momentum, lr } = attrs as Record<string, number>;
      const n = theta.shape.reduce((a, b) => a * b, 1);
      const outs = [theta, v].map((t) => backend.makeOutput(t.shape.slice(), 'float32'));
      const whole = n - (n % 4);
      code.momentum(offset(theta), offset(g), offset(v), offset(outs[0]), offset(outs[1]), whole * 4, momentum, lr);
      if (whole < n) {
        const [T, G, V, T2, V2] = [theta, g, v, ...outs].map((t) => heap(t, n));
        for (let i = whole; i < n; i++) {
          const vi = f(f(V[i] * momentum) + G[i]);
          V2[i] = vi;
          T2[i] = f(T[i] - f(vi * lr));
        }
      }
      return outs;
    },
  });
  registered = true;
  return true;
}

/** Whether the fused updates apply to these tensors now (wasm backend, kernels registered, float32, not bypassed). */
function active(tensors: tf.Tensor[]): boolean {
  return registered && !usingWasmKernels() && tf.getBackend() === 'wasm' && tensors.every((t) => t.dtype === 'float32');
}

export interface AdamConstants {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  epsHat: number;
  stepSize: number;
}

/** [θ', m', v'] of one Adam step (no weight decay) in one kernel, or null where the op chain must run. */
export function fusedAdam(theta: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, k: AdamConstants): tf.Tensor[] | null {
  if (!active([theta, g, m, v])) return null;
  // The constants as float32, as the op chain's tf.scalar holds them.
  const attrs = Object.fromEntries(Object.entries(k).map(([key, value]) => [key, f(value)])) as unknown as NamedAttrMap;
  return tf.engine().runKernel(ADAM_KERNEL, { theta, g, m, v }, attrs) as unknown as tf.Tensor[];
}

/** [θ', v'] of one momentum-SGD step (v' = β·v + g; θ' = θ − η·v') in one kernel, or null. */
export function fusedMomentum(theta: tf.Tensor, g: tf.Tensor, v: tf.Tensor, momentum: number, lr: number): tf.Tensor[] | null {
  if (!active([theta, g, v])) return null;
  return tf.engine().runKernel(MOMENTUM_KERNEL, { theta, g, v }, { momentum: f(momentum), lr: f(lr) }) as unknown as tf.Tensor[];
}
