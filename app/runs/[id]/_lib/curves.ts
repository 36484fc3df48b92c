/** A run's per-epoch history as chart series: train solid, validation dashed. Pure. */
import type { LineSeries } from '../../../_charts/lineChart';
import type { EpochFieldsFragment } from '../../../_graphql/generated';

export function curveSeries(epochs: readonly EpochFieldsFragment[], metric: 'loss' | 'accuracy', prefix = ''): LineSeries[] {
  const train = metric === 'loss' ? (e: EpochFieldsFragment) => e.trainLoss : (e: EpochFieldsFragment) => e.trainAccuracy;
  const val = metric === 'loss' ? (e: EpochFieldsFragment) => e.valLoss : (e: EpochFieldsFragment) => e.valAccuracy;
  return [
    { name: `${prefix}train`, points: epochs.map((e) => ({ x: e.epoch, y: train(e) })) },
    { name: `${prefix}validation`, points: epochs.map((e) => ({ x: e.epoch, y: val(e) })), dashed: true },
  ];
}
