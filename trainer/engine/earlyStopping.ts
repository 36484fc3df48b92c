/**
 * Early stopping on validation loss: an epoch improves when its loss is below the best so far by more
 * than minDelta; after `patience` epochs without improvement training stops, and the caller restores
 * the weights of the best epoch.
 */
export interface EarlyStoppingState {
  /** null until an epoch has been seen (JSON cannot hold Infinity). */
  bestLoss: number | null;
  bestEpoch: number;
  sinceBest: number;
}

export class EarlyStopping {
  bestLoss = Infinity;
  bestEpoch = 0;
  private sinceBest = 0;

  constructor(
    readonly patience: number,
    readonly minDelta = 0,
  ) {}

  state(): EarlyStoppingState {
    return { bestLoss: Number.isFinite(this.bestLoss) ? this.bestLoss : null, bestEpoch: this.bestEpoch, sinceBest: this.sinceBest };
  }

  restoreState(state: EarlyStoppingState): void {
    this.bestLoss = state.bestLoss ?? Infinity;
    this.bestEpoch = state.bestEpoch;
    this.sinceBest = state.sinceBest;
  }

  /** Records an epoch's validation loss; says whether it is the new best and whether to stop now. */
  update(epoch: number, valLoss: number): { improved: boolean; stop: boolean } {
    if (valLoss < this.bestLoss - this.minDelta) {
      this.bestLoss = valLoss;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      return { improved: true, stop: false };
    }
    this.sinceBest += 1;
    return { improved: false, stop: this.sinceBest >= this.patience };
  }
}
