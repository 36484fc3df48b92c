/**
 * A run's stored test predictions (TestPredictions), decoded, for the gallery. Decoded sets are kept
 * in an LRU (PREDICTIONS_CACHE_MB, default 64: ~30 EMNIST runs at 2 MB decoded) and reused while the
 * row's createdAt is unchanged — a re-evaluation replaces the row and so the cached set; one tiny
 * query per request checks that, so every server replica stays right without invalidation messages.
 */
import { LRUCache } from 'lru-cache';
import type { DataSource } from '../../trainer/data/dataset';
import { decodeTestPredictions, type DecodedPredictions } from '../../trainer/eval/testPredictions';
import type { Sql } from '../runs/sql';

export interface RunPredictions {
  runId: string;
  dataset: string;
  classNames: string[];
  sources: DataSource[];
  origin: string;
  confusionDelta: number;
  createdAt: Date;
  samples: DecodedPredictions;
}

const bytesOf = (s: DecodedPredictions) => s.indices.byteLength + s.trueProbability.byteLength + s.top3Probability.byteLength + s.truth.byteLength + s.predicted.byteLength + s.top3.byteLength;

const cache = new LRUCache<string, RunPredictions>({
  maxSize: Math.max(1, Number(process.env.PREDICTIONS_CACHE_MB ?? 64)) * 2 ** 20,
  sizeCalculation: (p) => Math.max(1, bytesOf(p.samples)),
});

/** Stored predictions of `runId`, or null when it has none. */
export async function loadRunPredictions(sql: Sql, runId: string): Promise<RunPredictions | null> {
  const { rows } = await sql.query<{ createdAt: Date }>(`SELECT "createdAt" FROM "TestPredictions" WHERE "runId" = $1::uuid`, [runId]);
  if (!rows.length) return null;
  const hit = cache.get(runId);
  if (hit && hit.createdAt.getTime() === rows[0].createdAt.getTime()) return hit;
  const { rows: full } = await sql.query<{ data: Buffer; sources: DataSource[]; origin: string; confusionDelta: number; createdAt: Date; dataset: string; classNames: string[] | null }>(
    `SELECT p."data", p."sources", p."origin", p."confusionDelta", p."createdAt", r."dataset", e."classNames"
     FROM "TestPredictions" p JOIN "Run" r ON r."id" = p."runId" LEFT JOIN "Evaluation" e ON e."runId" = p."runId"
     WHERE p."runId" = $1::uuid`,
    [runId],
  );
  if (!full.length) return null;
  const row = full[0];
  const samples = decodeTestPredictions(row.data);
  const loaded: RunPredictions = {
    runId,
    dataset: row.dataset,
    classNames: row.classNames ?? Array.from({ length: samples.classes }, (_, i) => String(i)),
    sources: row.sources,
    origin: row.origin,
    confusionDelta: row.confusionDelta,
    createdAt: row.createdAt,
    samples,
  };
  cache.set(runId, loaded);
  return loaded;
}
