/**
 * The values resolvers pass around for the schema's object types (graphql-codegen "mappers"):
 * database rows for runs and epochs, catalogue entries for datasets and presets.
 */
import type { Preset } from '../../trainer/config/presets';
import type { Epoch, Run } from '../db/client';
import type { DatasetEntry } from '../datasets/catalog';

export type RunModel = Run;
export type EpochModel = Omit<Epoch, 'createdAt'> & { createdAt?: unknown };
export interface StudyGroupModel {
  id: string;
  runs: Run[];
}
export type DatasetModel = DatasetEntry;
export type PresetModel = Preset;
