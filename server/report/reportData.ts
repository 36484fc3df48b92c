/**
 * What the study report reads from the database, in a few statements through node-postgres: the
 * candidate runs of a dataset (finished exact runs, and every pinned run) or of a study group with
 * their evaluation scalars, robustness curve and best-epoch figures; the pins; how many modified runs
 * each preset has. Pins are written here too (pin/unpin), one row per (dataset, preset).
 */
import { variantName, type PresetVariant } from '../../trainer/config/presets';
import type { Sql } from '../runs/sql';
import type { PinRecord, ReportCandidate } from './studyReport';

const CANDIDATE_COLUMNS = `
  r."id", r."name", r."preset", r."dataset", r."status"::text AS "status", r."createdAt", r."archivedAt", r."presetExact",
  coalesce(r."presetChanges", ARRAY[]::text[]) AS "presetChanges", r."presetVariant", r."config",
  (r."config"->>'epochs')::int AS "epochsConfigured", r."valAccuracy",
  (SELECT count(*) FROM "Epoch" e WHERE e."runId" = r."id")::int AS "epochsTrained",
  CASE WHEN ev."runId" IS NULL THEN NULL ELSE json_build_object('accuracy', ev."accuracy", 'macroF1', ev."macroF1", 'crossEntropy', ev."crossEntropy",
    'trainAccuracy', ev."trainAccuracy", 'valAccuracy', ev."valAccuracy", 'valLoss', ev."valLoss") END AS "evaluation",
  (SELECT json_build_object('trainAccuracy', b."trainAccuracy", 'valAccuracy', b."valAccuracy", 'valLoss', b."valLoss")
     FROM "Epoch" b WHERE b."runId" = r."id" AND b."epoch" = r."bestEpoch") AS "bestEpoch",
  coalesce((SELECT json_agg(json_build_object('sigma', p."sigma", 'accuracy', p."accuracy", 'clipped', p."clipped") ORDER BY p."clipped", p."sigma")
     FROM "RobustnessPoint" p WHERE p."runId" = r."id"), '[]'::json) AS "robustness"`;

/** Finished, unarchived exact runs of the given presets (either form: as published or the variant) on `dataset`, plus every run pinned on it. */
export async function loadCandidates(sql: Sql, dataset: string, presets: string[]): Promise<ReportCandidate[]> {
  const { rows } = await sql.query<ReportCandidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM "Run" r LEFT JOIN "Evaluation" ev ON ev."runId" = r."id"
     WHERE (r."dataset" = $1 AND r."status" = 'SUCCEEDED' AND r."archivedAt" IS NULL AND r."presetExact" AND r."preset" = ANY($2::text[]))
        OR r."id" IN (SELECT "runId" FROM "ReportPin" WHERE "dataset" = $1)`,
    [dataset, presets],
  );
  return rows;
}

/** Every run of a study group (any status), oldest first. */
export async function loadGroupCandidates(sql: Sql, groupId: string): Promise<ReportCandidate[]> {
  const { rows } = await sql.query<ReportCandidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM "Run" r LEFT JOIN "Evaluation" ev ON ev."runId" = r."id"
     WHERE r."groupId" = $1::uuid ORDER BY r."createdAt", r."id"`,
    [groupId],
  );
  return rows;
}

/** Finished, unarchived runs per preset form on `dataset` ("M1c", "M1c · batch mean") whose config differs from the form's. */
export async function modifiedRunCounts(sql: Sql, dataset: string): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ preset: string; variant: string | null; n: number }>(
    `SELECT "preset", "presetVariant" AS "variant", count(*)::int AS "n" FROM "Run"
     WHERE "dataset" = $1 AND "status" = 'SUCCEEDED' AND "archivedAt" IS NULL AND "preset" IS NOT NULL AND "presetExact" = false
     GROUP BY "preset", "presetVariant"`,
    [dataset],
  );
  return new Map(rows.map((r) => [variantName(r.preset, r.variant as PresetVariant | null), r.n]));
}

/** Finished runs on `dataset` that name a preset (exact or modified, archived excluded). */
export async function countFinishedPresetRuns(sql: Sql, dataset: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS "n" FROM "Run" WHERE "dataset" = $1 AND "status" = 'SUCCEEDED' AND "archivedAt" IS NULL AND "preset" IS NOT NULL`,
    [dataset],
  );
  return rows[0]?.n ?? 0;
}

const PIN_COLUMNS = `p."dataset", p."preset", p."runId", p."pinnedByName" AS "pinnedBy", p."pinnedById", p."pinnedAt"`;

export async function loadPins(sql: Sql, dataset: string): Promise<PinRecord[]> {
  const { rows } = await sql.query<PinRecord>(`SELECT ${PIN_COLUMNS} FROM "ReportPin" p WHERE p."dataset" = $1`, [dataset]);
  return rows;
}

/** Pins of the given runs (Run.pins). */
export async function pinsOfRuns(sql: Sql, runIds: readonly string[]): Promise<PinRecord[]> {
  const { rows } = await sql.query<PinRecord>(`SELECT ${PIN_COLUMNS} FROM "ReportPin" p WHERE p."runId" = ANY($1::uuid[]) ORDER BY p."dataset", p."preset"`, [runIds]);
  return rows;
}

/** Sets (or replaces) the pin of a report row; returns the pin it replaced, if any. */
export async function pin(sql: Sql, p: { dataset: string; preset: string; runId: string; by: { userId: string | null; name: string } }): Promise<PinRecord | null> {
  const { rows } = await sql.query<PinRecord & { replaced: boolean }>(
    `WITH old AS (SELECT ${PIN_COLUMNS} FROM "ReportPin" p WHERE p."dataset" = $1 AND p."preset" = $2)
     , upsert AS (
       INSERT INTO "ReportPin" ("dataset", "preset", "runId", "pinnedById", "pinnedByName", "pinnedAt") VALUES ($1, $2, $3::uuid, $4, $5, now())
       ON CONFLICT ("dataset", "preset") DO UPDATE SET "runId" = EXCLUDED."runId", "pinnedById" = EXCLUDED."pinnedById",
         "pinnedByName" = EXCLUDED."pinnedByName", "pinnedAt" = EXCLUDED."pinnedAt"
     )
     SELECT * FROM old`,
    [p.dataset, p.preset, p.runId, p.by.userId, p.by.name],
  );
  return rows[0] ?? null;
}

/** Removes a row's pin; returns it (null when there was none). */
export async function unpin(sql: Sql, dataset: string, preset: string): Promise<PinRecord | null> {
  const { rows } = await sql.query<PinRecord>(
    `DELETE FROM "ReportPin" p WHERE p."dataset" = $1 AND p."preset" = $2 RETURNING ${PIN_COLUMNS}`,
    [dataset, preset],
  );
  return rows[0] ?? null;
}
