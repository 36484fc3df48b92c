/**
 * studyReport(dataset) and a study group's mini-report: loads what reportData.ts reads, chooses and
 * builds the rows (studyReport.ts, pure) — the study's rows, and apart from them the other protocol's
 * (the batch-mean variants) — and adds the protocol notes. Pin and unpin check what they are
 * given (a known preset and dataset, a finished run on that dataset) and say what to do otherwise.
 */
import type { GraphQLError } from 'graphql/index.js';
import { PRESETS, studyPresets, type StudyProtocol } from '../../trainer/config/presets';
import { findDataset, listDatasets, type DatasetEntry } from '../datasets/catalog';
import { inputError, notFound } from '../errors';
import { toSql, type Db } from '../runs/sql';
import { UUID } from '../runs/service';
import { protocolNotes, type ProtocolNote } from './protocolNotes';
import { PUBLISHED_DATASET } from './published';
import * as data from './reportData';
import { buildRows, chooseRuns, groupChoice, OTHER_PROTOCOL_FORMS, type PinRecord, type ReportRow } from './studyReport';

export interface StudyReport {
  dataset: string;
  datasetTitle: string;
  comparable: boolean;
  notComparableReason: string | null;
  rows: ReportRow[];
  robustnessClip: boolean;
  notes: ProtocolNote[];
  finishedRuns: number;
  /** The batch-mean variants' runs, never beside the published figures. */
  otherProtocolRows: ReportRow[];
}

function datasetOrThrow(name: string): DatasetEntry {
  const entry = findDataset(name);
  if (!entry) {
    throw inputError(`dataset: unknown dataset "${name}"; known datasets: ${listDatasets().map((d) => d.name).join(', ')}`, [{ field: 'dataset', message: `unknown dataset "${name}"` }]);
  }
  return entry;
}

const comparableReason = (entry: DatasetEntry) =>
  entry.name === PUBLISHED_DATASET ? null : `The study's figures are for EMNIST ByMerge; ${entry.name} (${entry.classCount} classes) cannot be compared with them.`;

export async function studyReport(db: Db, datasetName: string, robustnessClip = false): Promise<StudyReport> {
  const entry = datasetOrThrow(datasetName);
  const sql = toSql(db);
  const [candidates, pins, modified, finishedRuns, notes] = await Promise.all([
    data.loadCandidates(sql, entry.name, PRESETS.map((p) => p.name)),
    data.loadPins(sql, entry.name),
    data.modifiedRunCounts(sql, entry.name),
    data.countFinishedPresetRuns(sql, entry.name),
    protocolNotes(sql, entry),
  ]);
  const comparable = entry.name === PUBLISHED_DATASET;
  return {
    dataset: entry.name,
    datasetTitle: entry.title,
    comparable,
    notComparableReason: comparableReason(entry),
    rows: buildRows(chooseRuns(candidates, pins, modified), { dataset: entry.name, comparable, robustnessClip }),
    robustnessClip,
    notes,
    finishedRuns,
    otherProtocolRows: buildRows(chooseRuns(candidates, [], modified, OTHER_PROTOCOL_FORMS), { dataset: entry.name, comparable, robustnessClip, forms: OTHER_PROTOCOL_FORMS }),
  };
}

/**
 * A study group's own report: its current members (one per preset), rows of the protocol it was
 * launched with; beside the published figures only where a member follows the study's protocol.
 */
export async function groupReport(db: Db, group: { id: string; dataset: string | null; protocol?: string | null }, currentMemberIds: Set<string>): Promise<ReportRow[]> {
  const members = (await data.loadGroupCandidates(toSql(db), group.id)).filter((r) => currentMemberIds.has(r.id));
  const dataset = group.dataset ?? members[0]?.dataset ?? '';
  const protocol: StudyProtocol = group.protocol === 'BATCH_MEAN' ? 'BATCH_MEAN' : 'PUBLISHED';
  return buildRows(groupChoice(members), { dataset, comparable: dataset === PUBLISHED_DATASET, forms: studyPresets(protocol) });
}

function presetOrThrow(name: string) {
  const preset = PRESETS.find((p) => p.name === name);
  if (!preset) throw inputError(`preset: unknown preset "${name}"; the report's presets are ${PRESETS.map((p) => p.name).join(', ')}`, [{ field: 'preset', message: `unknown preset "${name}"` }]);
  return preset;
}

/** Makes `runId` the run that stands for `preset` in `dataset`'s report. Returns the pin it replaced. */
export async function pinReportRun(db: Db, input: { dataset: string; preset: string; runId: string }, by: { userId: string | null; name: string }): Promise<{ replaced: PinRecord | null; runName: string }> {
  const entry = datasetOrThrow(input.dataset);
  const preset = presetOrThrow(input.preset);
  const sql = toSql(db);
  const run = UUID.test(input.runId)
    ? (await sql.query<{ id: string; name: string; dataset: string; status: string; archivedAt: Date | null }>(`SELECT "id", "name", "dataset", "status"::text AS "status", "archivedAt" FROM "Run" WHERE "id" = $1::uuid`, [input.runId])).rows[0]
    : undefined;
  if (!run) throw notFound(`No run with id ${input.runId}`);
  if (run.dataset !== entry.name) throw inputError(`runId: run "${run.name}" was trained on ${run.dataset}, not ${entry.name}; pin it in the ${run.dataset} report`, [{ field: 'runId', message: 'another dataset' }]);
  if (run.status !== 'SUCCEEDED') throw inputError(`runId: run "${run.name}" is ${run.status}; only a finished (SUCCEEDED) run can stand for ${preset.name}`, [{ field: 'runId', message: 'not finished' }]);
  if (run.archivedAt) throw inputError(`runId: run "${run.name}" is archived; restore it first`, [{ field: 'runId', message: 'archived' }]);
  const replaced = await data.pin(sql, { dataset: entry.name, preset: preset.name, runId: run.id, by });
  return { replaced, runName: run.name };
}

/** What pinning did to one member of a study group. */
export interface MemberPin {
  id: string;
  preset: string;
  ok: boolean;
  /** Why it was not pinned, or the run whose pin it replaced. */
  message: string | null;
}

/**
 * Pins each current member of a study group (one per preset) as its preset's row in the report of
 * its dataset, modified members included: that is what this is for, a study launched with fewer
 * epochs standing for the study on purpose. Members not finished, or archived, are left out with the
 * reason pinReportRun gives; an earlier pin of the same row is replaced and named.
 */
export async function pinGroupMembers(db: Db, members: { id: string; preset: string | null; dataset: string }[], by: { userId: string | null; name: string }): Promise<MemberPin[]> {
  const outcomes: MemberPin[] = [];
  for (const member of members) {
    if (!member.preset || !PRESETS.some((p) => p.name === member.preset)) continue;
    try {
      const { replaced } = await pinReportRun(db, { dataset: member.dataset, preset: member.preset, runId: member.id }, by);
      const message = replaced && replaced.runId !== member.id ? `replaces the pin of run ${replaced.runId.slice(0, 8)}` : null;
      outcomes.push({ id: member.id, preset: member.preset, ok: true, message });
    } catch (err) {
      if ((err as GraphQLError).extensions?.code !== 'BAD_USER_INPUT') throw err;
      outcomes.push({ id: member.id, preset: member.preset, ok: false, message: (err as Error).message.replace(/^runId: /, '') });
    }
  }
  return outcomes;
}

export async function unpinReportRun(db: Db, input: { dataset: string; preset: string }): Promise<PinRecord | null> {
  const entry = datasetOrThrow(input.dataset);
  const preset = presetOrThrow(input.preset);
  return data.unpin(toSql(db), entry.name, preset.name);
}
