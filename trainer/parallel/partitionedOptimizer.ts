/**
 * The optimiser step of data-parallel training, split across the replicas. The trainable variables, in
 * gradient order and flattened, form one parameter vector of P values; replica r of R owns the slice
 * [⌊rP/R⌋, ⌊(r+1)P/R⌋). It keeps θ and the optimiser's state (Adam's m and v, momentum's velocity) only
 * for that slice, applies the run's update rule (makeOptimizer, the very rule single-thread training
 * applies) to it from the summed gradient, and publishes the new values in the shared `weights` buffer,
 * from which every replica then sets its full variables.
 *
 * Why this is exact: every rule in optimizers.ts is elementwise (Adam's bias corrections are scalars of
 * the step count), so the same ops on a slice give, value for value, what they give on the whole tensor.
 * The step costs each replica 1/R of the update instead of all of it.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmHeapValues } from '../engine/wasmBlasMatMul';
import { makeOptimizer, type Optimizer, type OptimizerConfig, type OptimizerState } from '../engine/optimizers';

/** A piece of one variable inside a replica's slice: elements [from, to) of variable `variable`, at `flat` in the vector. */
export interface Segment {
  variable: number;
  from: number;
  to: number;
  flat: number;
}

/** One replica's share of the optimiser state: per segment, in the shape OptimizerState has per variable. */
export interface OptimizerPart {
  segments: Segment[];
  state: OptimizerState;
}

export function segmentsOf(sizes: number[], p0: number, p1: number): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  sizes.forEach((size, variable) => {
    const from = Math.max(p0, start);
    const to = Math.min(p1, start + size);
    if (to > from) segments.push({ variable, from: from - start, to: to - start, flat: from });
    start += size;
  });
  return segments;
}

export class PartitionedOptimizer {
  private readonly segments: Segment[];
  private slices: tf.Variable[] = [];
  private readonly optimizer: Optimizer;

  constructor(
    config: OptimizerConfig,
    private readonly variables: tf.Variable[],
    [p0, p1]: [number, number],
  ) {
    this.segments = segmentsOf(variables.map((v) => v.size), p0, p1);
    this.optimizer = makeOptimizer(config);
    this.reload();
  }

  /** Takes this replica's slice of θ from the full variables (at the start, and after weights were loaded). */
  reload(): void {
    this.slices.forEach((v) => v.dispose());
    this.slices = tf.tidy(() => this.segments.map((s) => tf.variable(tf.slice(tf.reshape(this.variables[s.variable], [-1]), [s.from], [s.to - s.from]))));
  }

  /** θ_slice ← rule(θ_slice, g_slice); `gradient` holds this replica's slice of the summed gradient (from index 0). */
  step(gradient: Float32Array, lr: number, weights: Float32Array): void {
    if (!this.segments.length) return;
    const base = this.segments[0].flat;
    const grads = this.segments.map((s) => tf.tensor1d(gradient.subarray(s.flat - base, s.flat - base + s.to - s.from)));
    this.optimizer.apply(this.slices, grads, lr);
    tf.dispose(grads);
    this.slices.forEach((v, i) => weights.set(wasmHeapValues(v) ?? (v.dataSync() as Float32Array), this.segments[i].flat));
  }

  part(): OptimizerPart {
    return { segments: this.segments, state: this.optimizer.state() };
  }

  /** Continues from a whole-vector state (a checkpoint), keeping this replica's segments of it. */
  loadState(state: OptimizerState): void {
    const buffers = Object.fromEntries(
      Object.entries(state.buffers).map(([name, perVariable]) => [name, this.segments.map((s) => perVariable[s.variable].slice(s.from, s.to))]),
    );
    this.optimizer.loadState({ ...state, buffers }, this.slices);
  }

  dispose(): void {
    this.slices.forEach((v) => v.dispose());
    this.optimizer.dispose();
  }
}

/** The whole optimiser state (one buffer per variable) from every replica's part. */
export function assembleState(parts: OptimizerPart[], sizes: number[]): OptimizerState {
  const { kind, step } = parts[0].state;
  const names = Object.keys(parts[0].state.buffers);
  const buffers = Object.fromEntries(names.map((name) => [name, sizes.map((size) => new Float32Array(size))]));
  for (const part of parts) {
    for (const name of names) part.segments.forEach((s, i) => buffers[name][s.variable].set(part.state.buffers[name][i], s.from));
  }
  return { kind, step, buffers };
}
