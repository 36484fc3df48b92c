/**
 * TypeScript shapes of what the pages ask the API for (a subset of server/schema.graphql's types).
 * Fractions in [0,1], losses in nats, times as ISO strings, as the schema says.
 */
import type { RunConfig } from '../../trainer/config/schema';
import type { ClassScore, EpochMetrics } from '../../trainer/result';

export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export const RUN_STATUSES: RunStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

/** An epoch as the API returns it: the trainer's per-epoch metrics, with the run id where asked for. */
export type Epoch = EpochMetrics & { runId?: string };
export type { ClassScore };

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  crossEntropy: number;
  trainAccuracy: number | null;
  trainLoss: number | null;
  valAccuracy: number | null;
  valLoss: number | null;
  count: number;
  perClass: ClassScore[];
  confusion: number[][];
  classNames: string[];
}

export interface RobustnessPoint { sigma: number; accuracy: number }

export interface RunProgress { epoch: number; epochs: number; batch: number; batches: number; samplesPerSecond: number | null; phase: string | null }

/** A row of the runs table. */
export interface RunSummary {
  id: string;
  name: string;
  preset: string | null;
  engine: string;
  backend: string | null;
  dataset: string;
  status: RunStatus;
  owner: string | null;
  tags: string[];
  group: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  queuePosition: number | null;
  parameters: number | null;
  progress: RunProgress | null;
  /** RUNNING but handed back by a worker that shut down; resumes after epoch progress.epoch. */
  waitingForWorker: boolean;
  evaluation: Pick<Evaluation, 'accuracy' | 'macroF1' | 'crossEntropy' | 'valAccuracy'> | null;
}

/** One worker's turn at a run (a run whose worker died resumes from its checkpoint in a new attempt). */
export interface RunAttempt {
  number: number;
  workerHost: string;
  workerPid: number;
  resumedAfterEpoch: number;
  startedAt: string;
  endedAt: string | null;
  /** null while it runs; succeeded, failed, cancelled or handed back. */
  outcome: string | null;
  reason: string | null;
}

export interface RunPermissions {
  cancel: boolean;
  delete: boolean;
  rename: boolean;
  annotate: boolean;
  clone: boolean;
}

export interface RunDetail extends Omit<RunSummary, 'evaluation'> {
  ownerId: string | null;
  /** What the signed-in user may do to it (the server's policy, for showing the right buttons). */
  can: RunPermissions;
  seed: number;
  notes: string | null;
  config: RunConfig;
  heartbeatAt: string | null;
  error: string | null;
  codeVersion: string | null;
  workerHost: string | null;
  epochs: Epoch[];
  evaluation: Evaluation | null;
  robustness: RobustnessPoint[];
  modelPath: string | null;
  bestEpoch: number | null;
  stoppedEarly: boolean | null;
  /** A SUCCEEDED run's caveat, e.g. its model could not be saved. */
  warning: string | null;
  attempts: RunAttempt[];
}

export interface PresetInfo { name: string; group: string; description: string; engine: string; config: RunConfig; parameters: number }

export interface SampleImage { classIndex: number; label: string; rows: number; cols: number; pixelsBase64: string }

export interface DatasetInfo {
  name: string;
  title: string;
  available: boolean;
  hint: string | null;
  isDefault: boolean;
  classNames: string[];
  imageCount: number | null;
  stats: { counts: number[]; mean: number; std: number; max: number; min: number; maxClass: number; minClass: number; maxMinRatio: number } | null;
  splits: { set: string; images: number; proportion: number; minPerClass: number; maxPerClass: number }[];
  samples: SampleImage[];
}

export interface SystemInfo { workers: number; queued: number; running: number; defaultDataset: string }

export type Role = 'VIEWER' | 'MEMBER' | 'ADMIN';

export interface Me {
  id: string | null;
  name: string;
  email: string | null;
  role: Role;
  via: string;
  limits: { queuedRuns: number; studiesPerHour: number; runMemoryBytes: number; runWork: number };
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId?: string | null;
  actorName: string;
  via: string;
  action: string;
  runId?: string | null;
  groupId?: string | null;
  targetUserId?: string | null;
  address?: string | null;
  detail: Record<string, unknown> | null;
}

export interface UserInfo {
  id: string;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  queuedRunLimit: number | null;
  studiesPerHourLimit: number | null;
}

export interface ApiTokenInfo {
  id: string;
  label: string;
  start: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}
