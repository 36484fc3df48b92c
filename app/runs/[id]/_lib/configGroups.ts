/**
 * A run's config as a reader wants it: grouped (model, optimiser, training, data, robustness,
 * hardware) and in the same order on every run, with every value in full (the noise levels are a list
 * of six, not "[0, 0.1, …"). Fields the groups do not know (a newer config) come last, sorted, so
 * nothing is ever left out. Pure; unit-tested.
 */
import { flatten, showValue } from '../../../_lib/analysis';

export interface ConfigGroup { title: string; fields: { key: string; label: string; value: string }[] }

const GROUPS: { title: string; fields: [key: string, label: string][] }[] = [
  { title: 'Model', fields: [['engine', 'engine'], ['hidden', 'hidden layers'], ['activation', 'activation'], ['batchNorm', 'BatchNorm'], ['dropout', 'dropout']] },
  {
    title: 'Optimiser',
    fields: [['optimizer', 'optimizer'], ['lr', 'learning rate η'], ['momentum', 'momentum β'], ['beta1', 'Adam β1'], ['beta2', 'Adam β2'], ['epsilon', 'Adam ε'], ['l2', 'L2 λ'], ['weightDecay', 'weight decay'], ['weightDecayMode', 'decay mode'], ['lossReduction', 'batch loss (mean or sum)']],
  },
  {
    title: 'Training',
    fields: [['batchSize', 'batch size'], ['epochs', 'epochs'], ['schedule.type', 'LR schedule'], ['schedule.alpha', 'decay α per epoch'], ['schedule.minLr', 'minimum η'], ['schedule.gamma', 'decay γ per epoch'], ['earlyStopping', 'early stopping'], ['earlyStopping.patience', 'patience (epochs)'], ['earlyStopping.minDelta', 'min improvement']],
  },
  { title: 'Data', fields: [['split.mode', 'split'], ['split.train', 'train share'], ['split.val', 'validation share'], ['split.test', 'test share'], ['split.valFraction', 'validation share of train'], ['seed', 'seed']] },
  { title: 'Robustness', fields: [['robustness.sigmas', 'noise levels σ'], ['robustness.clip', 'clip to [0,1]']] },
  { title: 'Hardware', fields: [['backend', 'backend'], ['threads', 'threads (0: the worker’s share)']] },
];

export function configGroups(config: unknown): ConfigGroup[] {
  const flat = flatten(config ?? {});
  if (flat.earlyStopping === null) flat.earlyStopping = 'off';
  const used = new Set<string>();
  const groups: ConfigGroup[] = GROUPS.map((g) => ({
    title: g.title,
    fields: g.fields.filter(([key]) => key in flat).map(([key, label]) => {
      used.add(key);
      return { key, label, value: showValue(flat[key]) };
    }),
  }));
  const rest = Object.keys(flat).filter((k) => !used.has(k)).sort();
  if (rest.length) groups.push({ title: 'Other', fields: rest.map((key) => ({ key, label: key, value: showValue(flat[key]) })) });
  return groups.filter((g) => g.fields.length > 0);
}
