/**
 * A training checkpoint: everything the loop holds after a finished epoch, so that a run interrupted
 * (its worker shut down, the server restarted) continues from that epoch and ends exactly where an
 * uninterrupted run would: the weights, the optimiser's moments and step count, dropout draws, the
 * early-stopping state with the best weights so far, and the history. The batch order needs no state
 * of its own: it is the seeded shuffle replayed `history.length` times (BatchStream.skipEpochs).
 *
 * The fingerprint ties a checkpoint to its config, dataset and split; resuming anything else is refused.
 * Checkpoints travel as one binary buffer (binaryJson), ~4 bytes per number: for M1g (443k parameters,
 * Adam, early stopping) about 7 MB.
 */
import crypto from 'node:crypto';
import type { RunConfig } from '../config/schema';
import type { Dataset } from '../data/dataset';
import type { Split } from '../data/split';
import type { EarlyStoppingState } from '../engine/earlyStopping';
import type { TrainingState, WeightSnapshot } from '../engine/model';
import type { EpochMetrics } from '../result';
import { BinaryJsonError, packBinaryJson, unpackBinaryJson } from '../util/binaryJson';

const MAGIC = 'MLPK';
const FORMAT = 1;

export interface TrainingCheckpoint {
  /** checkpointFingerprint() of the run it belongs to. */
  fingerprint: string;
  /** Finished epochs, in order; training continues with epoch history.length + 1. */
  history: EpochMetrics[];
  /** Early stopping fired after the last epoch in history: only restoring the best weights is left. */
  stoppedEarly: boolean;
  trainSeconds: number;
  /** The weights after the last finished epoch (not the best ones). */
  weights: WeightSnapshot;
  training: TrainingState;
  earlyStopping: EarlyStoppingState | null;
  /** The best epoch's weights, when early stopping is on and an epoch has improved. */
  best: WeightSnapshot | null;
}

export class CheckpointError extends Error {}

/**
 * A hash of what decides the training trajectory: the config, the dataset's identity and the split. The
 * thread count is left out: N data-parallel threads train the same trajectory up to float summation
 * order, so a run may resume on a host with other cores (bit for bit when the count is the same), and
 * checkpoints written before `threads` existed still resume. `lossReduction` enters only when it is
 * not the default 'mean', so checkpoints written before that field existed (all 'mean') resume too.
 */
export function checkpointFingerprint(config: RunConfig, ds: Dataset, split: Split): string {
  const hash = crypto.createHash('sha256');
  const trajectory: Partial<RunConfig> = { ...config };
  delete trajectory.threads;
  if (trajectory.lossReduction === 'mean') delete trajectory.lossReduction;
  hash.update(JSON.stringify({ config: trajectory, dataset: { name: ds.name, count: ds.count, classes: ds.classNames, rows: ds.rows, cols: ds.cols } }));
  for (const part of [split.train, split.val, split.test]) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  return hash.digest('hex');
}

export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Buffer {
  return packBinaryJson(checkpoint, MAGIC, FORMAT);
}

export function decodeCheckpoint(buffer: Uint8Array): TrainingCheckpoint {
  try {
    const checkpoint = unpackBinaryJson<TrainingCheckpoint>(buffer, MAGIC, FORMAT, 'checkpoint');
    if (typeof checkpoint.fingerprint !== 'string' || !Array.isArray(checkpoint.history) || !checkpoint.weights || !checkpoint.training) {
      throw new CheckpointError('checkpoint is missing fields; it was not written by this trainer');
    }
    return checkpoint;
  } catch (err) {
    if (err instanceof BinaryJsonError || err instanceof SyntaxError) throw new CheckpointError(err.message);
    throw err;
  }
}
