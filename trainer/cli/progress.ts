/**
 * Progress display for long training runs. On a terminal: a live bar with epoch, batch, samples/s,
 * ETA and losses, then one bar per evaluation step ("evaluating test set", "robustness σ 0.3 (4 of 6)").
 * Elsewhere (CI logs, pipes): one line per epoch and per evaluation step, so logs stay readable.
 */
import cliProgress from 'cli-progress';
import type { EpochMetrics } from '../result';
import type { BatchProgress } from '../train/loop';
import type { PhaseProgress } from '../run';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class TrainingProgress {
  private bar: cliProgress.SingleBar | null = null;
  private lastVal = '–';
  private phaseLabel: string | null = null;
  private readonly started = performance.now();
  private readonly tty = process.stderr.isTTY === true;

  onBatch(p: BatchProgress): void {
    if (!this.tty) return;
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          format: 'epoch {epoch}/{epochs} {bar} batch {value}/{total} | {rate} samples/s | ETA {eta_run} | loss {loss} | val loss {val}',
          barsize: 24,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.batches, 0);
    }
    const elapsed = (performance.now() - this.started) / 1000;
    const done = (p.epoch - 1) * p.batches + p.batch;
    const eta = (elapsed / done) * (p.epochs * p.batches - done);
    this.bar.setTotal(p.batches);
    this.bar.update(p.batch, {
      epoch: p.epoch,
      epochs: p.epochs,
      rate: Math.round(p.samplesPerSecond).toLocaleString('en-US'),
      eta_run: duration(eta),
      loss: p.loss.toFixed(4),
      val: this.lastVal,
    });
  }

  onEpoch(m: EpochMetrics, epochs: number): void {
    this.lastVal = m.valLoss.toFixed(4);
    const line = `epoch ${m.epoch}/${epochs}  lr ${m.lr.toExponential(2)}  train loss ${m.trainLoss.toFixed(4)} acc ${(100 * m.trainAccuracy).toFixed(2)}%  val loss ${m.valLoss.toFixed(4)} acc ${(100 * m.valAccuracy).toFixed(2)}%  ${Math.round(m.samplesPerSecond).toLocaleString('en-US')} samples/s  ${m.seconds.toFixed(1)}s`;
    if (this.tty && this.bar) {
      this.bar.stop();
      this.bar = null;
    }
    process.stderr.write(line + '\n');
  }

  /** Evaluation and robustness steps: a bar per label on a terminal, the label once per line elsewhere. */
  onPhaseProgress(p: PhaseProgress): void {
    if (p.label !== this.phaseLabel) {
      this.phaseLabel = p.label;
      if (!this.tty) return void process.stderr.write(`${p.label}…\n`);
      this.bar?.stop();
      this.bar = new cliProgress.SingleBar(
        { format: `${p.label} {bar} {percentage}% | {value}/{total}`, barsize: 24, stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.total, 0);
    }
    this.bar?.update(p.done);
  }

  message(text: string): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
    process.stderr.write(text + '\n');
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
