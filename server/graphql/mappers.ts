/**
 * The values resolvers pass around for the schema's object types (graphql-codegen "mappers"):
 * database rows for runs and epochs, catalogue entries for datasets and presets, registry rows for
 * workers.
 */
import type { Preset } from '../../trainer/config/presets';
import type { Epoch, EvaluationScalars, RunGroup } from '../db/client';
import type { DatasetEntry } from '../datasets/catalog';
import type { StudyReport } from '../report/report';
import type { PinRecord, ReportRow } from '../report/studyReport';
import type { LiveWorker } from '../worker/registry';

/** A run row; rows from the list query lack the bulky `config`/`summary` (loaded on demand). */
export type { ListedRun as RunModel } from '../runs/service';
export type EpochModel = Omit<Epoch, 'createdAt'> & { createdAt?: unknown };
/** A RunGroup row; its runs, progress and report are loaded by the StudyGroup resolvers. */
export type StudyGroupModel = RunGroup;
export type StudyReportModel = StudyReport;
/** A report row: the chosen run by id (loaded through the run loader), the pin with its Date. */
export type ReportRowModel = ReportRow;
export type ReportPinModel = PinRecord;
export type DatasetModel = DatasetEntry;
export type PresetModel = Preset;
/** The evaluation's scalar columns plus its run id; perClass/confusion/classNames are loaded on demand. */
export type EvaluationModel = EvaluationScalars;
/** A live worker's registry row, with the id of the run it holds. */
export type WorkerInfoModel = LiveWorker;
