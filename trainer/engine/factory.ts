/**
 * Builds the model a config asks for, so the loop, the CLI, saving and loading never need to know
 * which engine they hold.
 */
import type { RunConfig } from '../config/schema';
import type { TrainableModel, WeightSnapshot } from './model';
import { LayersMlp } from './layersMlp';
import { ScratchMlp } from './scratchMlp';

export function createModel(config: RunConfig, inputSize: number, classes: number, weights?: WeightSnapshot): TrainableModel {
  let model: TrainableModel;
  switch (config.engine) {
    case 'scratch':
      model = ScratchMlp.fromConfig(config, inputSize, classes);
      break;
    case 'layers':
      model = LayersMlp.fromConfig(config, inputSize, classes);
      break;
    default:
      throw new Error(`Engine "${config.engine}" is not available in this build`);
  }
  if (weights) model.restore(weights);
  return model;
}
